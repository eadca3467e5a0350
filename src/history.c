/* history: the state repository, state/, through libgit2.
 *
 * state/ is an ordinary git repository with a work tree: the records under
 * state/targets/ are its files, and each build that changed any of them is
 * one commit.  Plain git reads it (`git -C state log -p`).
 *
 * A commit stages the whole work tree (new, changed and deleted files),
 * writes the tree, and commits only when that tree differs from HEAD's.
 * Every object (blobs, trees, the commit) is written before the branch ref
 * moves, and the ref moves by renaming a lock file, so a process killed at
 * any point leaves either the old HEAD or the new one, never a ref to a
 * missing object: the repository stays clean for `git fsck`.  For a power
 * cut, the objects must also be on disk before the ref names them.
 * libgit2 can fsync each object file, but the first build of a large graph
 * writes one object per target, and one fsync each costs seconds per
 * thousand.  So we flush the file system once (syncfs) before the ref
 * moves, and once after, as git does with core.fsyncMethod=batch.
 *
 * Temporary files of interrupted writes (name.tmp.PID, see
 * file_write_atomic) are excluded through .git/info/exclude so that a killed
 * process never gets half a record committed. */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

/* libgit2 is loaded (dlopen) when the history is first used, not when pipe
 * starts: a no-op build or a query never touches it, and loading it with
 * its libraries cost more than the query. */
#define LIBGIT2_FUNCTIONS(X) \
	X(git_blob_create_from_buffer) \
	X(git_blob_free) \
	X(git_blob_lookup) \
	X(git_blob_rawcontent) \
	X(git_blob_rawsize) \
	X(git_buf_dispose) \
	X(git_commit_create) \
	X(git_commit_free) \
	X(git_commit_id) \
	X(git_commit_lookup) \
	X(git_commit_message) \
	X(git_commit_parent) \
	X(git_commit_parentcount) \
	X(git_commit_time) \
	X(git_commit_tree) \
	X(git_commit_tree_id) \
	X(git_config_free) \
	X(git_config_get_string_buf) \
	X(git_config_open_default) \
	X(git_diff_free) \
	X(git_diff_get_delta) \
	X(git_diff_num_deltas) \
	X(git_diff_options_init) \
	X(git_diff_tree_to_tree) \
	X(git_error_last) \
	X(git_index_add) \
	X(git_index_add_all) \
	X(git_index_add_bypath) \
	X(git_index_entrycount) \
	X(git_index_free) \
	X(git_index_get_bypath) \
	X(git_index_remove_bypath) \
	X(git_index_update_all) \
	X(git_index_write) \
	X(git_index_write_tree) \
	X(git_libgit2_init) \
	X(git_libgit2_opts) \
	X(git_object_free) \
	X(git_object_peel) \
	X(git_oid_equal) \
	X(git_oid_tostr) \
	X(git_reference_create) \
	X(git_reference_create_matching) \
	X(git_reference_free) \
	X(git_reference_lookup) \
	X(git_reference_symbolic_target) \
	X(git_reference_type) \
	X(git_repository_free) \
	X(git_repository_head_unborn) \
	X(git_repository_index) \
	X(git_repository_init_ext) \
	X(git_repository_init_options_init) \
	X(git_repository_is_bare) \
	X(git_repository_open_ext) \
	X(git_repository_path) \
	X(git_revparse_single) \
	X(git_revwalk_free) \
	X(git_revwalk_new) \
	X(git_revwalk_next) \
	X(git_revwalk_push_head) \
	X(git_revwalk_sorting) \
	X(git_signature_default) \
	X(git_signature_free) \
	X(git_signature_now) \
	X(git_tree_entry_bypath) \
	X(git_tree_entry_free) \
	X(git_tree_entry_id) \
	X(git_tree_free) \
	X(git_tree_lookup)

static struct {
#define FIELD(f) __typeof__(f) *f;
	LIBGIT2_FUNCTIONS(FIELD)
#undef FIELD
} lg2;
static char lg2_error[256];

static bool lg2_load(void)
{
#define NAME(f) #f,
#define SLOT(f) (void **)&lg2.f,
	static const char *const names[] = {LIBGIT2_FUNCTIONS(NAME)};
	void **const slots[] = {LIBGIT2_FUNCTIONS(SLOT)};
#undef NAME
#undef SLOT
	return lib_open(LIBGIT2_SONAME, names, slots, sizeof(names) / sizeof(*names), lg2_error,
	                sizeof(lg2_error));
}

static const char exclude_text[] =
	"# pipe: temporary files of interrupted writes are never committed\n"
	"*.tmp.*\n";

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status;

static void lib_init_once(void) { lib_status = lg2_load() ? lg2.git_libgit2_init() : -100; }

static int git_fail(const char *dir, const char *what)
{
	const git_error *e = lg2.git_error_last();
	const char *msg = e && e->message ? e->message : "unknown libgit2 error";
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == ':' || msg[n - 1] == '\n'))
		n--; /* libgit2 leaves "...: " when the OS gave no reason */
	return error_set("%s: %s: %.*s", dir, what, (int)n, msg);
}

/* A git lock file outlives a process killed while holding it; git itself
 * leaves removing it to the user, and so do we, with a hint. */
static int git_fail_locked(int rc, const char *dir, const char *what)
{
	int error = git_fail(dir, what);
	if (rc == GIT_ELOCKED) {
		char *msg = xasprintf("%s (another git command is running in %s, or one was "
		                      "killed: if none is running, remove the .lock file)",
		                      error_last(), dir);
		error_set("%s", msg);
		free(msg);
	}
	return error;
}

static int lib_init(void)
{
	pthread_once(&lib_once, lib_init_once);
	if (lib_status == -100)
		return error_set("%s", lg2_error);
	if (lib_status < 0)
		return git_fail("libgit2", "cannot initialise");
	return 0;
}

/* NO_SEARCH: state/ usually sits inside the project's own repository, which
 * must never be mistaken for the state repository. */
static int open_repo(const char *dir, git_repository **repo)
{
	int rc, error;
	if ((error = lib_init()) < 0)
		return error;
	rc = lg2.git_repository_open_ext(repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND)
		return error_set("%s: not a git repository "
		                 "(`pipe init` creates the state repository)", dir);
	if (rc < 0)
		return git_fail(dir, "cannot open the state repository");
	if (lg2.git_repository_is_bare(*repo)) {
		lg2.git_repository_free(*repo);
		*repo = NULL;
		return error_set("%s: is a bare repository; the state repository needs a work tree",
		                 dir);
	}
	return 0;
}

/* libgit2 picks init.defaultBranch from the user's config when the initial
 * head is left NULL; only when nothing is configured do we choose "main". */
static const char *initial_branch(void)
{
	git_config *cfg = NULL;
	git_buf name = GIT_BUF_INIT;
	const char *branch = "main";
	if (lg2.git_config_open_default(&cfg) == 0 &&
	    lg2.git_config_get_string_buf(&name, cfg, "init.defaultbranch") == 0 && name.size)
		branch = NULL;
	lg2.git_buf_dispose(&name);
	lg2.git_config_free(cfg);
	return branch;
}

int history_init(const char *state_dir)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	char *info = NULL, *exclude = NULL;
	int rc, error;

	if ((error = lib_init()) < 0)
		return error;
	rc = lg2.git_repository_open_ext(&repo, state_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == 0)
		goto done;
	if (rc != GIT_ENOTFOUND) {
		error = git_fail(state_dir, "cannot open the state repository");
		goto done;
	}
	lg2.git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = initial_branch();
	if (lg2.git_repository_init_ext(&repo, state_dir, &opts) < 0) {
		error = git_fail(state_dir, "cannot create the state repository");
		goto done;
	}
	info = path_join(lg2.git_repository_path(repo), "info");
	exclude = path_join(info, "exclude");
	if ((error = mkdir_p(info)) < 0)
		goto done;
	error = file_write_atomic(exclude, exclude_text, sizeof(exclude_text) - 1);
done:
	free(info);
	free(exclude);
	lg2.git_repository_free(repo);
	return error;
}

/* The repository's (or the user's) identity, else a fixed one, so that a
 * fresh CI machine can commit without any git setup. */
static int signature(git_repository *repo, git_signature **sig)
{
	if (lg2.git_signature_default(sig, repo) == 0)
		return 0;
	if (lg2.git_signature_now(sig, "pipe", "pipe@localhost") == 0)
		return 0;
	return git_fail("state", "cannot make a commit signature");
}

/* Flushes everything written so far to disk: one journal commit for all the
 * objects of a build instead of one per object. */
static int sync_repo(git_repository *repo)
{
	int fd = open(lg2.git_repository_path(repo), O_RDONLY | O_DIRECTORY | O_CLOEXEC), error = 0;
	if (fd < 0 || syncfs(fd) < 0)
		error = error_set("%s: cannot flush to disk: %s", lg2.git_repository_path(repo),
		                  strerror(errno));
	if (fd >= 0)
		close(fd);
	return error;
}

/* Points HEAD's branch (or a detached HEAD) at the new commit, only if it
 * still points at the parent, with a reflog line as git writes it. */
static int move_head(git_repository *repo, const char *dir, git_commit *parent,
                     const git_oid *id, const char *msg)
{
	git_reference *head = NULL, *moved = NULL;
	const char *name = "HEAD";
	char *log = xasprintf("commit%s: %.*s", parent ? "" : " (initial)",
	                      (int)strcspn(msg, "\n"), msg);
	int rc, error = 0;

	if (lg2.git_reference_lookup(&head, repo, "HEAD") < 0) {
		error = git_fail(dir, "cannot read HEAD");
		goto done;
	}
	if (lg2.git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		name = lg2.git_reference_symbolic_target(head);
	if (parent)
		rc = lg2.git_reference_create_matching(&moved, repo, name, id, 1,
		                                   lg2.git_commit_id(parent), log);
	else
		rc = lg2.git_reference_create(&moved, repo, name, id, 0, log);
	if (rc < 0)
		error = git_fail_locked(rc, dir, "cannot move HEAD to the new commit");
done:
	free(log);
	lg2.git_reference_free(moved);
	lg2.git_reference_free(head);
	return error;
}

/* Up to this many records, a commit fsyncs each file it writes; past it,
 * one syncfs of the file system is cheaper than thousands of fsyncs (a
 * first build of 20,000 targets took 43 s the one way and 6 s the other). */
#define FSYNC_EACH_MAX 256

/* Commits what the index holds when its tree differs from HEAD's.  The
 * objects are durable before the branch moves, and the branch after. */
static int commit_index(git_repository *repo, git_index *index, const char *state_dir,
                        const char *message, size_t nchanged, bool *committed)
{
	git_tree *tree = NULL;
	git_commit *head = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	char *msg = NULL;
	bool each = nchanged <= FSYNC_EACH_MAX;
	int rc, error = 0;

	lg2.git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, each ? 1 : 0);
	rc = lg2.git_revparse_single((git_object **)&head, repo, "HEAD^{commit}");
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		error = git_fail(state_dir, "cannot read HEAD");
		goto done;
	}
	if (!head && lg2.git_index_entrycount(index) == 0)
		goto done; /* nothing recorded yet, nothing to commit */
	if (lg2.git_index_write_tree(&tree_id, index) < 0) {
		error = git_fail(state_dir, "cannot write the tree");
		goto done;
	}
	/* The index is saved even when nothing is committed: it holds the stat
	 * data that keeps the next add_all from rehashing every record. */
	if ((rc = lg2.git_index_write(index)) < 0) {
		error = git_fail_locked(rc, state_dir, "cannot write the index");
		goto done;
	}
	if (head && lg2.git_oid_equal(&tree_id, lg2.git_commit_tree_id(head)))
		goto done;

	if (lg2.git_tree_lookup(&tree, repo, &tree_id) < 0) {
		error = git_fail(state_dir, "cannot read the new tree");
		goto done;
	}
	if ((error = signature(repo, &sig)) < 0)
		goto done;
	msg = str_ends(message, "\n") ? xstrdup(message) : xasprintf("%s\n", message);
	if (lg2.git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, msg, tree, head ? 1 : 0,
	                      (const git_commit **)&head) < 0) {
		error = git_fail(state_dir, "cannot write the commit");
		goto done;
	}
	if ((!each && (error = sync_repo(repo)) < 0) ||
	    (error = move_head(repo, state_dir, head, &commit_id, msg)) < 0 ||
	    (!each && (error = sync_repo(repo)) < 0))
		goto done;
	*committed = true;
done:
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	free(msg);
	lg2.git_signature_free(sig);
	lg2.git_tree_free(tree);
	lg2.git_commit_free(head);
	return error;
}

int history_commit(const char *state_dir, const char *message, bool *committed)
{
	git_repository *repo = NULL;
	git_index *index = NULL;
	int rc, error;

	*committed = false;
	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if ((rc = lg2.git_repository_index(&index, repo)) < 0 ||
	    (rc = lg2.git_index_add_all(index, NULL, GIT_INDEX_ADD_DEFAULT, NULL, NULL)) < 0 ||
	    (rc = lg2.git_index_update_all(index, NULL, NULL, NULL)) < 0) {
		error = git_fail_locked(rc, state_dir, "cannot stage the state records");
		goto done;
	}
	error = commit_index(repo, index, state_dir, message, FSYNC_EACH_MAX + 1, committed);
done:
	lg2.git_index_free(index);
	lg2.git_repository_free(repo);
	return error;
}

/* Stages one record: a blob from its bytes and an index entry with its stat
 * data.  Records are plain text with no attributes or filters, so this
 * skips what git_index_add_bypath does for any file (resolving the path,
 * reading .gitattributes): a first build of 50,000 targets stages 50,000. */
static int stage_file(git_repository *repo, git_index *index, const char *full, const char *rel)
{
	struct buf data = BUF_INIT;
	git_index_entry entry;
	struct stat st;
	int rc;
	if (stat(full, &st) < 0 || file_read(full, &data) < 0) {
		buf_free(&data);
		error_clear();
		return lg2.git_index_add_bypath(index, rel); /* let libgit2 say what is wrong */
	}
	memset(&entry, 0, sizeof(entry));
	rc = lg2.git_blob_create_from_buffer(&entry.id, repo, data.data ? data.data : "", data.len);
	buf_free(&data);
	if (rc < 0)
		return rc;
	entry.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
	entry.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
	entry.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
	entry.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
	entry.dev = (uint32_t)st.st_dev;
	entry.ino = (uint32_t)st.st_ino;
	entry.mode = GIT_FILEMODE_BLOB;
	entry.uid = (uint32_t)st.st_uid;
	entry.gid = (uint32_t)st.st_gid;
	entry.file_size = (uint32_t)st.st_size;
	entry.path = rel;
	return lg2.git_index_add(index, &entry);
}

int history_commit_paths(const char *state_dir, const char *message,
                         const char *const *paths, size_t npaths, bool *committed)
{
	git_repository *repo = NULL;
	git_index *index = NULL;
	int rc = 0, error;

	*committed = false;
	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if ((rc = lg2.git_repository_index(&index, repo)) < 0) {
		error = git_fail_locked(rc, state_dir, "cannot read the index");
		goto done;
	}
	for (size_t i = 0; i < npaths && rc >= 0; i++) {
		char *full = path_join(state_dir, paths[i]);
		if (path_exists(full))
			rc = stage_file(repo, index, full, paths[i]);
		else if (lg2.git_index_get_bypath(index, paths[i], 0))
			rc = lg2.git_index_remove_bypath(index, paths[i]);
		free(full);
	}
	if (rc < 0) {
		error = git_fail_locked(rc, state_dir, "cannot stage the state records");
		goto done;
	}
	error = commit_index(repo, index, state_dir, message, npaths, committed);
done:
	lg2.git_index_free(index);
	lg2.git_repository_free(repo);
	return error;
}

/* Whether path differs between a commit and its first parent (added,
 * removed or changed): comparing two blob ids is cheaper than a diff. */
static int touches(git_commit *c, const char *path, bool *out)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_tree_entry *e = NULL, *pe = NULL;
	int error = 0;

	if (lg2.git_commit_tree(&tree, c) < 0 ||
	    (lg2.git_commit_parentcount(c) && (lg2.git_commit_parent(&parent, c, 0) < 0 ||
	                                   lg2.git_commit_tree(&ptree, parent) < 0))) {
		error = git_fail("state", "cannot read a commit's tree");
		goto done;
	}
	lg2.git_tree_entry_bypath(&e, tree, path);
	if (ptree)
		lg2.git_tree_entry_bypath(&pe, ptree, path);
	if (!e || !pe)
		*out = e || pe;
	else
		*out = !lg2.git_oid_equal(lg2.git_tree_entry_id(e), lg2.git_tree_entry_id(pe));
done:
	lg2.git_tree_entry_free(e);
	lg2.git_tree_entry_free(pe);
	lg2.git_tree_free(tree);
	lg2.git_tree_free(ptree);
	lg2.git_commit_free(parent);
	return error;
}

static void print_commit(git_commit *c, FILE *out)
{
	char id[GIT_OID_HEXSZ + 1], when[32];
	time_t t = (time_t)lg2.git_commit_time(c);
	const char *msg = lg2.git_commit_message(c), *nl, *end;
	struct tm tm;

	lg2.git_oid_tostr(id, sizeof(id), lg2.git_commit_id(c));
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	nl = strchr(msg, '\n');
	fprintf(out, "%.7s %s  %.*s\n", id, when, nl ? (int)(nl - msg) : (int)strlen(msg), msg);
	if (!nl)
		return;
	/* The body, without the blank lines around it. */
	msg = nl + 1;
	while (*msg == '\n')
		msg++;
	end = msg + strlen(msg);
	while (end > msg && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	while (msg < end) {
		nl = memchr(msg, '\n', (size_t)(end - msg));
		size_t n = nl ? (size_t)(nl - msg) : (size_t)(end - msg);
		if (n)
			fprintf(out, "    %.*s\n", (int)n, msg);
		else
			fputc('\n', out);
		msg += n + (nl ? 1 : 0);
	}
}

int history_log(const char *state_dir, const char *target, int max, FILE *out)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid id;
	char *path = NULL;
	int shown = 0, rc = 0, error;

	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if (lg2.git_repository_head_unborn(repo) == 1)
		goto done; /* no build recorded yet */
	if (lg2.git_revwalk_new(&walk, repo) < 0 ||
	    lg2.git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    lg2.git_revwalk_push_head(walk) < 0) {
		error = git_fail(state_dir, "cannot walk the history");
		goto done;
	}
	if (target)
		path = state_path(target);
	while ((max <= 0 || shown < max) && (rc = lg2.git_revwalk_next(&id, walk)) == 0) {
		bool show = true;
		if (lg2.git_commit_lookup(&c, repo, &id) < 0) {
			error = git_fail(state_dir, "cannot read a commit");
			goto done;
		}
		if (path && (error = touches(c, path, &show)) < 0)
			goto done;
		if (show) {
			print_commit(c, out);
			shown++;
		}
		lg2.git_commit_free(c);
		c = NULL;
	}
	if (rc < 0 && rc != GIT_ITEROVER)
		error = git_fail(state_dir, "cannot walk the history");
done:
	free(path);
	lg2.git_commit_free(c);
	lg2.git_revwalk_free(walk);
	lg2.git_repository_free(repo);
	return error;
}

/* One line of `pipe diff`, sorted by target and then by the order made. */
struct diff_line {
	char *name;
	int seq;
	char *text;
};

struct diff_lines {
	struct diff_line *v;
	size_t n, cap;
};

static void add_line(struct diff_lines *d, const char *name, char *text)
{
	grow_array(&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	d->v[d->n].name = xstrdup(name);
	d->v[d->n].seq = (int)d->n;
	d->v[d->n].text = text;
	d->n++;
}

static int cmp_line(const void *a, const void *b)
{
	const struct diff_line *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->seq - y->seq;
}

/* Resolves a revision to a tree; a commit also gives its first parent's tree
 * (NULL at the root) for the default left side. */
static int resolve(git_repository *repo, const char *spec, git_tree **tree, git_tree **parent_tree)
{
	git_object *obj = NULL;
	git_commit *commit = NULL, *parent = NULL;
	int error = 0;

	if (lg2.git_revparse_single(&obj, repo, spec) < 0)
		return error_setcode(PIPE_EUSAGE, "unknown revision '%s'", spec);
	if (lg2.git_object_peel((git_object **)tree, obj, GIT_OBJECT_TREE) < 0) {
		error = error_setcode(PIPE_EUSAGE, "revision '%s' is not a commit or a tree", spec);
		goto done;
	}
	if (parent_tree && lg2.git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) == 0 &&
	    lg2.git_commit_parentcount(commit) > 0) {
		if (lg2.git_commit_parent(&parent, commit, 0) < 0 ||
		    lg2.git_commit_tree(parent_tree, parent) < 0)
			error = git_fail("state", "cannot read the parent commit");
	}
done:
	lg2.git_commit_free(parent);
	lg2.git_commit_free(commit);
	lg2.git_object_free(obj);
	return error;
}

static int load_record(git_repository *repo, const git_oid *id, const char *label,
                       struct state_record *rec)
{
	git_blob *blob = NULL;
	char *text;
	int error;
	if (lg2.git_blob_lookup(&blob, repo, id) < 0)
		return git_fail(label, "cannot read the record");
	text = xstrndup(lg2.git_blob_rawcontent(blob), (size_t)lg2.git_blob_rawsize(blob));
	error = state_parse(text, label, rec);
	free(text);
	lg2.git_blob_free(blob);
	return error;
}

static void short_hash(const struct hash *h, char out[20])
{
	char hex[HASH_HEX_LEN + 1];
	if (hash_is_zero(h)) {
		strcpy(out, "none");
		return;
	}
	hash_hex(h, hex);
	snprintf(out, 20, "%.12s..", hex);
}

/* The lines for one changed record. */
static void compare(struct diff_lines *d, const char *name, const struct state_record *a,
                    const struct state_record *b)
{
	char x[20], y[20];
	const char *sa = a->status ? a->status : "none", *sb = b->status ? b->status : "none";
	bool output_changed = !hash_eq(&a->output, &b->output);

	if (output_changed) {
		short_hash(&a->output, x);
		short_hash(&b->output, y);
		add_line(d, name, xasprintf("~ %s  output %s -> %s", name, x, y));
	}
	if (strcmp(sa, sb))
		add_line(d, name, xasprintf("~ %s  status %s -> %s", name, sa, sb));
	/* Rebuilt for a new reason with the same result: early cutoff. */
	if (!output_changed && !hash_eq(&a->key, &b->key)) {
		short_hash(&a->key, x);
		short_hash(&b->key, y);
		add_line(d, name, xasprintf("~ %s  key %s -> %s (output unchanged)", name, x, y));
	}
}

/* "targets/a/b.state" -> "a/b"; NULL for anything that is not a record. */
static char *record_name(const char *path)
{
	size_t n;
	if (!str_starts(path, "targets/") || !str_ends(path, ".state"))
		return NULL;
	n = strlen(path) - strlen("targets/") - strlen(".state");
	return n ? xstrndup(path + strlen("targets/"), n) : NULL;
}

int history_diff(const char *state_dir, const char *rev_a, const char *rev_b, FILE *out)
{
	git_repository *repo = NULL;
	git_tree *tree_a = NULL, *tree_b = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	char *pathspec[] = {"targets/"};
	struct diff_lines lines = {0};
	const char *label_a = rev_a, *label_b = rev_b ? rev_b : "HEAD";
	char *parent_label = NULL;
	int error;

	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if (!rev_a && !rev_b && lg2.git_repository_head_unborn(repo) == 1)
		goto done; /* no build recorded yet: nothing differs */
	if ((error = resolve(repo, label_b, &tree_b, rev_a ? NULL : &tree_a)) < 0)
		goto done;
	if (rev_a && (error = resolve(repo, rev_a, &tree_a, NULL)) < 0)
		goto done;
	if (!rev_a)
		label_a = parent_label = xasprintf("%s^", label_b);

	lg2.git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.pathspec.strings = pathspec;
	opts.pathspec.count = 1;
	if (lg2.git_diff_tree_to_tree(&diff, repo, tree_a, tree_b, &opts) < 0) {
		error = git_fail(state_dir, "cannot compare the revisions");
		goto done;
	}
	for (size_t i = 0; i < lg2.git_diff_num_deltas(diff); i++) {
		const git_diff_delta *delta = lg2.git_diff_get_delta(diff, i);
		const char *path = delta->status == GIT_DELTA_DELETED ? delta->old_file.path
		                                                      : delta->new_file.path;
		char *name = record_name(path), *la = NULL, *lb = NULL;
		struct state_record a, b;

		if (!name)
			continue;
		if (delta->status == GIT_DELTA_ADDED) {
			add_line(&lines, name, xasprintf("+ %s  (new)", name));
		} else if (delta->status == GIT_DELTA_DELETED) {
			add_line(&lines, name, xasprintf("- %s  (removed)", name));
		} else if (delta->status == GIT_DELTA_MODIFIED) {
			la = xasprintf("%s:%s", label_a, path);
			lb = xasprintf("%s:%s", label_b, path);
			state_record_init(&a);
			state_record_init(&b);
			if ((error = load_record(repo, &delta->old_file.id, la, &a)) == 0 &&
			    (error = load_record(repo, &delta->new_file.id, lb, &b)) == 0)
				compare(&lines, name, &a, &b);
			state_record_free(&a);
			state_record_free(&b);
		}
		free(la);
		free(lb);
		free(name);
		if (error < 0)
			goto done;
	}
	if (lines.n)
		qsort(lines.v, lines.n, sizeof(*lines.v), cmp_line);
	for (size_t i = 0; i < lines.n; i++)
		fprintf(out, "%s\n", lines.v[i].text);
done:
	for (size_t i = 0; i < lines.n; i++) {
		free(lines.v[i].name);
		free(lines.v[i].text);
	}
	free(lines.v);
	free(parent_label);
	lg2.git_diff_free(diff);
	lg2.git_tree_free(tree_a);
	lg2.git_tree_free(tree_b);
	lg2.git_repository_free(repo);
	return error;
}
