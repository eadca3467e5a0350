/* history: the state repository, state/, through libgit2.
 *
 * state/ is an ordinary git repository with a work tree: the records under
 * state/targets/ are its files, and each build that changed any of them is
 * one commit.  Plain git reads it (`git -C state log -p`).
 *
 * A commit stages the records a build wrote (and those of a build that did
 * not commit, listed in .git/pipe-uncommitted, see history_begin), writes
 * the tree, and commits only when that tree differs from HEAD's.  Every object (blobs, trees, the
 * commit) is on disk before the index names it and before the branch ref
 * moves, and the ref moves by renaming a lock file, so a process killed at
 * any point leaves either the old HEAD or the new one, never a ref to a
 * missing object: the repository stays clean for `git fsck`.  For a power
 * cut, libgit2 fsyncs the objects (or the pack), the ref and the reflogs it
 * writes during a commit (GIT_OPT_ENABLE_FSYNC_GITDIR, set for the commit).
 *
 * Small commits write one file per object (loose objects), as git does.
 * A large one (the first build of a big graph) writes its objects into
 * memory first (libgit2's mempack backend) and then to disk as one pack:
 * creating a file is what costs, and a first build of 10,000 targets would
 * otherwise create 10,000 object files and fsync each.
 *
 * Lock files: libgit2 takes state/.git/index.lock and the branch's
 * refs/heads/NAME.lock while it commits, and a process killed then leaves
 * them behind.  git leaves removing them to the user; pipe removes those
 * it can prove stale (the rule is above remove_if_unused).
 *
 * Temporary files of interrupted writes (name.tmp.PID, see
 * file_write_atomic) are excluded through .git/info/exclude so that a killed
 * process never gets half a record committed. */
#include "history.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <pthread.h>
#include <signal.h>
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
	X(git_mempack_dump) \
	X(git_mempack_new) \
	X(git_object_free) \
	X(git_object_peel) \
	X(git_odb_add_backend) \
	X(git_odb_free) \
	X(git_odb_hash) \
	X(git_odb_write_pack) \
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
	X(git_repository_odb) \
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
	X(git_tree_lookup) \
	X(git_tree_entry_byindex) \
	X(git_tree_entry_name) \
	X(git_tree_entry_type) \
	X(git_tree_entrycount) \
	X(git_checkout_head) \
	X(git_checkout_options_init) \
	X(git_credential_userpass_plaintext_new) \
	X(git_fetch_options_init) \
	X(git_graph_descendant_of) \
	X(git_push_options_init) \
	X(git_reference_name_to_id) \
	X(git_remote_create_options_init) \
	X(git_remote_create_with_opts) \
	X(git_remote_fetch) \
	X(git_remote_free) \
	X(git_remote_push)

LIB_FUNCTIONS(LIBGIT2_FUNCTIONS, lg2);
static char lg2_error[256];

LIB_NOTE_DLOPEN("history", "the state repository, committed by build and fsck, read by log and diff",
                "required", LIBGIT2_SONAME);

static const char exclude_text[] =
	"# pipe: temporary files of interrupted writes are never committed\n"
	"*.tmp.*\n";

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status;

static void lib_init_once(void)
{
	lib_status = LIB_OPEN(LIBGIT2_SONAME, lg2, lg2_error, sizeof(lg2_error)) < 0
	             ? -100 : lg2.git_libgit2_init();
}

static int git_fail(const char *dir, const char *what)
{
	const git_error *e = lg2.git_error_last();
	const char *msg = e && e->message ? e->message : "unknown libgit2 error";
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == ':' || msg[n - 1] == '\n'))
		n--; /* libgit2 leaves "...: " when the OS gave no reason */
	return error_set("%s: %s: %.*s", dir, what, (int)n, msg);
}

/* A git lock file outlives a process killed while holding it.  Those that
 * pipe can prove stale are gone before it commits (history_remove_stale_locks);
 * any other is someone else's, and removing it is left to the user. */
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

/* Records without their repository are a history lost (a copy that left
 * state/.git behind, an rm): only `pipe fsck` starts a new one over them. */
static int init_repo(const char *state_dir, bool over_records)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	char *info = NULL, *exclude = NULL, *records = NULL;
	int rc, error;

	if ((error = lib_init()) < 0)
		return error;
	rc = lg2.git_repository_open_ext(&repo, state_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == 0)
		goto done;
	if (rc != GIT_ENOTFOUND) {
		error = git_fail(state_dir, "cannot open the state repository");
		error_prefix("the state repository is damaged (`pipe fsck` says what can be "
		             "repaired): ");
		goto done;
	}
	records = path_join(state_dir, "targets");
	if (!over_records && path_exists(records)) {
		error = error_set("%s/.git is missing, but %s holds state records: the build "
		                  "history is gone.  Restore %s/.git (from a clone or a backup), "
		                  "or run `pipe fsck` to start a new history from the records",
		                  state_dir, records, state_dir);
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
	free(records);
	lg2.git_repository_free(repo);
	return error;
}

int history_init(const char *state_dir) { return init_repo(state_dir, false); }

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

/* Past this many records a commit writes one pack rather than one file
 * per object.  Below it loose objects cost little, and a scheduler that
 * rebuilds a few targets an hour must not pile up thousands of packs (each
 * pack is one more index to search on every lookup until `git gc` merges
 * them). */
#define PACK_MIN 100

/* From here on, the objects written through repo stay in memory (and are
 * read from there) until write_pack puts them on disk. */
static int objects_in_memory(git_repository *repo, const char *dir, git_odb **odb,
                             git_odb_backend **mempack)
{
	git_odb_backend *backend = NULL;
	if (lg2.git_repository_odb(odb, repo) < 0 || lg2.git_mempack_new(&backend) < 0)
		return git_fail(dir, "cannot set up the object database");
	/* above the loose and pack backends, so that every write comes here */
	if (lg2.git_odb_add_backend(*odb, backend, 1000) < 0) {
		backend->free(backend);
		return git_fail(dir, "cannot set up the object database");
	}
	*mempack = backend; /* the odb frees it */
	return 0;
}

/* The objects gathered in memory, as one pack in .git/objects/pack.
 * libgit2 writes the pack under a temporary name, then its .idx, then
 * renames the pack into place: git and libgit2 ignore an .idx without its
 * pack, so a kill at any point leaves no half-written pack in use. */
static int write_pack(git_repository *repo, git_odb *odb, git_odb_backend *mempack,
                      const char *dir)
{
	git_buf pack = GIT_BUF_INIT;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int error = 0;
	memset(&stats, 0, sizeof(stats));
	if (lg2.git_mempack_dump(&pack, repo, mempack) < 0 ||
	    lg2.git_odb_write_pack(&wp, odb, NULL, NULL) < 0 ||
	    wp->append(wp, pack.ptr, pack.size, &stats) < 0 || wp->commit(wp, &stats) < 0)
		error = git_fail(dir, "cannot write the new objects");
	if (wp)
		wp->free(wp);
	lg2.git_buf_dispose(&pack);
	return error;
}

/* Commits what the index holds when its tree differs from HEAD's.  Every
 * object is on disk (in a pack, when mempack holds them) before the index
 * names it and before the branch moves. */
static int commit_index(git_repository *repo, git_index *index, const char *state_dir,
                        const char *message, git_odb *odb, git_odb_backend *mempack,
                        bool *committed)
{
	git_tree *tree = NULL;
	git_commit *head = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	char *msg = NULL;
	int rc, error = 0;

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
	if (!head || !lg2.git_oid_equal(&tree_id, lg2.git_commit_tree_id(head))) {
		if (lg2.git_tree_lookup(&tree, repo, &tree_id) < 0) {
			error = git_fail(state_dir, "cannot read the new tree");
			goto done;
		}
		if ((error = signature(repo, &sig)) < 0)
			goto done;
		msg = str_ends(message, "\n") ? xstrdup(message) : xasprintf("%s\n", message);
		if (lg2.git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, msg, tree,
		                          head ? 1 : 0, (const git_commit **)&head) < 0) {
			error = git_fail(state_dir, "cannot write the commit");
			goto done;
		}
		if (mempack && (error = write_pack(repo, odb, mempack, state_dir)) < 0)
			goto done;
	}
	/* The index is saved even when nothing is committed: it holds the stat
	 * data that keeps the next add_all from rehashing every record.  (With
	 * the tree unchanged, each blob it names is in HEAD's tree already.) */
	if ((rc = lg2.git_index_write(index)) < 0) {
		error = git_fail_locked(rc, state_dir, "cannot write the index");
		goto done;
	}
	if (!msg)
		goto done;
	if ((error = move_head(repo, state_dir, head, &commit_id, msg)) < 0)
		goto done;
	*committed = true;
done:
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
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	if ((rc = lg2.git_repository_index(&index, repo)) < 0 ||
	    (rc = lg2.git_index_add_all(index, NULL, GIT_INDEX_ADD_DEFAULT, NULL, NULL)) < 0 ||
	    (rc = lg2.git_index_update_all(index, NULL, NULL, NULL)) < 0) {
		error = git_fail_locked(rc, state_dir, "cannot stage the state records");
		goto done;
	}
	error = commit_index(repo, index, state_dir, message, NULL, NULL, committed);
done:
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	lg2.git_index_free(index);
	lg2.git_repository_free(repo);
	return error;
}

/* Stages one record: a blob from its bytes and an index entry with its stat
 * data.  Records are plain text with no attributes or filters, so this
 * skips what git_index_add_bypath does for any file (resolving the path,
 * reading .gitattributes): a first build of 50,000 targets stages 50,000.
 * With mempack, the blob goes straight into it: libgit2 would first look
 * for it on disk, and rescan the pack directory each time it is not there
 * (a blob already on disk only gets a second copy in the new pack). */
static int stage_file(git_repository *repo, git_odb_backend *mempack, git_index *index,
                      const char *full, const char *rel)
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
	if (!data.data)
		buf_puts(&data, "");
	if (mempack)
		rc = lg2.git_odb_hash(&entry.id, data.data, data.len, GIT_OBJECT_BLOB) < 0
		             ? -1
		             : mempack->write(mempack, &entry.id, data.data, data.len, GIT_OBJECT_BLOB);
	else
		rc = lg2.git_blob_create_from_buffer(&entry.id, repo, data.data, data.len);
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

/* The records a build is about to write wait in .git/pipe-uncommitted, one
 * path a line, until a commit has them.  A build killed before its commit
 * ends (or whose commit a lock file stopped) leaves the list, and the next
 * commit stages those records too.  Without it they would stay out of the
 * history until their targets were rebuilt: the next build finds them up
 * to date, from the records themselves, and commits nothing. */
static char *pending_path(const char *state_dir)
{
	return path_join(state_dir, ".git/pipe-uncommitted");
}

int history_begin(const char *state_dir, const char *const *paths, size_t npaths)
{
	char *pending = pending_path(state_dir);
	struct buf list = BUF_INIT;
	int error;
	if (file_read(pending, &list) < 0)
		error_clear(); /* none waiting */
	if (list.len && list.data[list.len - 1] != '\n')
		buf_putc(&list, '\n'); /* cut short by a full disk: every line ends in one */
	for (size_t i = 0; i < npaths; i++)
		buf_printf(&list, "%s\n", paths[i]);
	error = file_write_atomic(pending, list.data ? list.data : "", list.len);
	buf_free(&list);
	free(pending);
	return error;
}

int history_commit_paths(const char *state_dir, const char *message,
                         const char *const *paths, size_t npaths, bool *committed)
{
	git_repository *repo = NULL;
	git_index *index = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mempack = NULL;
	struct buf list = BUF_INIT;
	struct strmap seen = {0};
	const char **all = NULL;
	char *pending = pending_path(state_dir), *line, *nl;
	size_t n = 0, cap = 0;
	int rc = 0, error;

	*committed = false;
	/* this build's records and those of any build that did not commit */
	if (file_read(pending, &list) < 0)
		error_clear();
	for (line = list.data; line && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		if (!*line)
			continue; /* an empty line names no record */
		grow_array(&all, &cap, n + 1, sizeof(*all));
		all[n++] = line;
	}
	for (size_t i = 0; i < npaths; i++) {
		grow_array(&all, &cap, n + 1, sizeof(*all));
		all[n++] = paths[i];
	}
	if ((error = open_repo(state_dir, &repo)) < 0)
		goto done;
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* libgit2 would look up every blob the index names while writing the
	 * trees (an open per run file, up to RUNS_KEEP of them, each commit):
	 * the blobs staged here were just written, and the others are those of
	 * HEAD's tree, whose damage this commit would not add to */
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	if (n > PACK_MIN && (error = objects_in_memory(repo, state_dir, &odb, &mempack)) < 0)
		goto done;
	if ((rc = lg2.git_repository_index(&index, repo)) < 0) {
		error = git_fail_locked(rc, state_dir, "cannot read the index");
		goto done;
	}
	strmap_reserve(&seen, n);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		char *full;
		if (strmap_get(&seen, all[i]))
			continue;
		strmap_put(&seen, all[i], (void *)all[i]);
		full = path_join(state_dir, all[i]);
		if (path_exists(full))
			rc = stage_file(repo, mempack, index, full, all[i]);
		else if (lg2.git_index_get_bypath(index, all[i], 0))
			rc = lg2.git_index_remove_bypath(index, all[i]);
		free(full);
	}
	if (rc < 0) {
		error = git_fail_locked(rc, state_dir, "cannot stage the state records");
		goto done;
	}
	if ((error = commit_index(repo, index, state_dir, message, odb, mempack, committed)) == 0 &&
	    unlink(pending) < 0 && errno != ENOENT)
		error = error_set("cannot remove %s: %s", pending, strerror(errno));
done:
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	lg2.git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	strmap_free(&seen);
	free(all);
	free(pending);
	buf_free(&list);
	lg2.git_index_free(index);
	lg2.git_odb_free(odb);
	lg2.git_repository_free(repo);
	return error;
}

bool history_uncommitted(const char *state_dir)
{
	char *pending = pending_path(state_dir);
	bool waiting = path_exists(pending);
	free(pending);
	return waiting;
}

bool history_head_id(const char *state_dir, char commit_id[41])
{
	struct buf head = BUF_INIT, ref = BUF_INIT;
	char *path = path_join(state_dir, ".git/HEAD"), *refpath = NULL;
	bool ok = false;
	if (file_read(path, &head) < 0 || !str_starts(head.data, "ref: refs/heads/"))
		goto done;
	head.data[strcspn(head.data, "\n")] = '\0';
	refpath = xasprintf("%s/.git/%s", state_dir, head.data + 5);
	if (file_read(refpath, &ref) < 0 || ref.len < 40 || strspn(ref.data, "0123456789abcdef") != 40)
		goto done;
	memcpy(commit_id, ref.data, 40);
	commit_id[40] = '\0';
	ok = true;
done:
	error_clear();
	buf_free(&head);
	buf_free(&ref);
	free(path);
	free(refpath);
	return ok;
}

size_t history_noted(const char *state_dir)
{
	char *pending = pending_path(state_dir);
	struct stat st;
	size_t n = stat(pending, &st) == 0 ? (size_t)st.st_size : 0;
	free(pending);
	return n;
}

int history_unnote(const char *state_dir, size_t keep)
{
	char *pending = pending_path(state_dir);
	struct buf list = BUF_INIT;
	int error = 0;
	if (!keep) {
		if (unlink(pending) < 0 && errno != ENOENT)
			error = error_set("cannot remove %s: %s", pending, strerror(errno));
	} else if ((error = file_read(pending, &list)) == 0 && list.len > keep) {
		error = file_write_atomic(pending, list.data, keep);
	}
	buf_free(&list);
	free(pending);
	return error;
}

int history_end_unchanged(const char *state_dir)
{
	char *pending = pending_path(state_dir);
	int error = 0;
	if (unlink(pending) < 0 && errno != ENOENT)
		error = error_set("cannot remove %s: %s", pending, strerror(errno));
	free(pending);
	return error;
}

/* When a lock file in the state repository is stale, and removed:
 *
 *  1. The caller holds the project's build lock (.pipe/lock, a flock).
 *     pipe writes to state/ only while holding it, so no other pipe is
 *     committing now, and a lock left by a pipe is a killed pipe's.
 *  2. The lock file is older than the moment that build lock was taken.
 *     A git command the user starts beside the build takes its locks
 *     later, and they stay.  Both times are file stamps, by the file
 *     system's own clock: it ticks coarser than CLOCK_REALTIME, so a lock
 *     taken after a clock_gettime() can carry an earlier stamp.  A lock
 *     stamped in the same tick as the build lock is kept.
 *  3. No process has it open.  git and libgit2 keep a lock file open while
 *     they write it, so a git command that started before the build and is
 *     still writing keeps its lock.  Linux grants a write lease on a file
 *     only when no other descriptor for it is open, anywhere; while we hold
 *     the lease nobody can open the file without waiting for us, so the
 *     check and the unlink cannot be split by an opener.
 *
 * Where 3 cannot be checked (no leases: another system, or a file owned by
 * another user) nothing is removed.  What the rule cannot see: a git
 * command that started before the build and holds a lock it has closed
 * (`git commit` keeps index.lock, closed, while its editor is open).  Do
 * not commit by hand in state/ while pipe builds. */
#ifdef F_SETLEASE
static bool remove_if_unused(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	bool removed = false;
	if (fd < 0)
		return false;
	/* A lease break signals SIGIO, whose default action ends the process:
	 * should anyone open the file in the microseconds we hold the lease,
	 * SIGURG (ignored by default) is sent instead. */
	if (fcntl(fd, F_SETSIG, SIGURG) == 0 && fcntl(fd, F_SETLEASE, F_WRLCK) == 0) {
		removed = unlink(path) == 0;
		fcntl(fd, F_SETLEASE, F_UNLCK);
	}
	close(fd);
	return removed;
}
#else
static bool remove_if_unused(const char *path)
{
	(void)path;
	return false;
}
#endif

static void remove_if_stale(const char *path, const struct timespec *since, struct buf *removed)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	/* one stamped in the same tick as our lock may be newer: it stays */
	if (st.st_mtim.tv_sec > since->tv_sec ||
	    (st.st_mtim.tv_sec == since->tv_sec && st.st_mtim.tv_nsec >= since->tv_nsec))
		return;
	if (remove_if_unused(path))
		buf_printf(removed, "%s\n", path);
}

void history_remove_stale_locks(const char *state_dir, const struct timespec *since,
                                struct buf *removed)
{
	static const char *const fixed[] = {"index.lock", "HEAD.lock"};
	char *git = path_join(state_dir, ".git"), *path;
	struct buf text = BUF_INIT;
	const char *head;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
		path = path_join(git, fixed[i]);
		remove_if_stale(path, since, removed);
		free(path);
	}
	/* and the lock of the branch HEAD names ("ref: refs/heads/main") */
	path = path_join(git, "HEAD");
	if (file_read(path, &text) < 0)
		error_clear(); /* no repository yet: no locks */
	free(path);
	head = text.len ? str_trim(text.data) : "";
	if (str_starts(head, "ref: refs/heads/") && !strstr(head, "..")) {
		path = xasprintf("%s/%s.lock", git, head + strlen("ref: "));
		remove_if_stale(path, since, removed);
		free(path);
	}
	buf_free(&text);
	free(git);
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

/* ---- pipe fsck ---- */

int history_create(const char *state_dir) { return init_repo(state_dir, true); }

int history_verify(const char *state_dir, bool whole, size_t *ncommits)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];
	int rc, error;

	*ncommits = 0;
	if ((error = lib_init()) < 0)
		return error;
	rc = lg2.git_repository_open_ext(&repo, state_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND)
		return error_setcode(PIPE_ENOTFOUND, "%s/.git is missing", state_dir);
	if (rc < 0)
		return git_fail(state_dir, "cannot open the state repository");
	if ((rc = lg2.git_repository_head_unborn(repo)) == 1)
		goto done;
	if (rc < 0 || lg2.git_revwalk_new(&walk, repo) < 0 || lg2.git_revwalk_push_head(walk) < 0) {
		error = git_fail(state_dir, "HEAD does not resolve");
		goto done;
	}
	while ((whole || !*ncommits) && (rc = lg2.git_revwalk_next(&id, walk)) == 0) {
		if (lg2.git_commit_lookup(&c, repo, &id) < 0 || lg2.git_commit_tree(&tree, c) < 0) {
			lg2.git_oid_tostr(hex, sizeof(hex), &id);
			error = git_fail(state_dir, "commit");
			error_prefix("%.12s: ", hex);
			goto done;
		}
		lg2.git_tree_free(tree);
		lg2.git_commit_free(c);
		tree = NULL;
		c = NULL;
		(*ncommits)++;
	}
	if (rc < 0 && rc != GIT_ITEROVER)
		error = git_fail(state_dir, "the history does not read");
done:
	lg2.git_tree_free(tree);
	lg2.git_commit_free(c);
	lg2.git_revwalk_free(walk);
	lg2.git_repository_free(repo);
	return error;
}

int history_read_committed(const char *state_dir, const char *path, struct buf *out)
{
	return history_read_at(state_dir, "HEAD", path, out);
}

int history_read_at(const char *state_dir, const char *rev, const char *path, struct buf *out)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int error;

	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if (lg2.git_repository_head_unborn(repo) == 1) {
		error = error_setcode(PIPE_ENOTFOUND, "%s: not in %s (nothing is committed yet)", path, rev);
		goto done;
	}
	if (lg2.git_revparse_single(&obj, repo, rev) < 0) {
		error = error_setcode(PIPE_EUSAGE, "unknown revision '%s'", rev);
		goto done;
	}
	if (lg2.git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0 ||
	    lg2.git_tree_entry_bypath(&entry, tree, path) < 0) {
		error = error_setcode(PIPE_ENOTFOUND, "%s: not in %s", path, rev);
		goto done;
	}
	if (lg2.git_blob_lookup(&blob, repo, lg2.git_tree_entry_id(entry)) < 0) {
		error = git_fail(state_dir, "cannot read a committed record");
		goto done;
	}
	buf_clear(out);
	buf_add(out, lg2.git_blob_rawcontent(blob), (size_t)lg2.git_blob_rawsize(blob));
done:
	lg2.git_blob_free(blob);
	lg2.git_tree_entry_free(entry);
	lg2.git_tree_free(tree);
	lg2.git_object_free(obj);
	lg2.git_repository_free(repo);
	return error;
}

/* The records (targets/NAME.state) of one commit's tree, to fn. */
static int tree_records(git_repository *repo, git_commit *commit, const char *state_dir,
                        history_record_fn fn, void *ctx)
{
	git_tree *tree = NULL, *dir = NULL;
	git_tree_entry *entry = NULL;
	int error = 0;

	if (lg2.git_commit_tree(&tree, commit) < 0) {
		error = git_fail(state_dir, "cannot read a commit's tree");
		goto done;
	}
	if (lg2.git_tree_entry_bypath(&entry, tree, "targets") < 0)
		goto done; /* no records */
	if (lg2.git_tree_lookup(&dir, repo, lg2.git_tree_entry_id(entry)) < 0) {
		error = git_fail(state_dir, "cannot read a commit's records");
		goto done;
	}
	for (size_t i = 0; i < lg2.git_tree_entrycount(dir) && error == 0; i++) {
		const git_tree_entry *e = lg2.git_tree_entry_byindex(dir, i);
		const char *name = lg2.git_tree_entry_name(e);
		git_blob *blob = NULL;
		if (lg2.git_tree_entry_type(e) != GIT_OBJECT_BLOB || !str_ends(name, ".state"))
			continue;
		if (lg2.git_blob_lookup(&blob, repo, lg2.git_tree_entry_id(e)) < 0) {
			error = git_fail(state_dir, "cannot read a committed record");
			break;
		}
		char *path = xasprintf("targets/%s", name);
		struct buf text = BUF_INIT;
		buf_add(&text, lg2.git_blob_rawcontent(blob), (size_t)lg2.git_blob_rawsize(blob));
		error = fn(ctx, path, buf_cstr(&text));
		buf_free(&text);
		free(path);
		lg2.git_blob_free(blob);
	}
done:
	lg2.git_tree_free(dir);
	lg2.git_tree_entry_free(entry);
	lg2.git_tree_free(tree);
	return error;
}

int history_records_at(const char *state_dir, const char *rev, history_record_fn fn, void *ctx,
                       char commit_id[41])
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	int error;

	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if (lg2.git_revparse_single(&obj, repo, rev) < 0) {
		error = error_setcode(PIPE_EUSAGE, "unknown revision '%s'", rev);
		goto done;
	}
	if (lg2.git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		error = error_setcode(PIPE_EUSAGE, "revision '%s' is not a commit", rev);
		goto done;
	}
	lg2.git_oid_tostr(commit_id, 41, lg2.git_commit_id(commit));
	error = tree_records(repo, commit, state_dir, fn, ctx);
done:
	lg2.git_commit_free(commit);
	lg2.git_object_free(obj);
	lg2.git_repository_free(repo);
	return error;
}

int history_records_all(const char *state_dir, int keep_last, int64_t newer_than,
                        history_record_fn fn, void *ctx)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid id;
	int n = 0, rc = 0, error;

	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if (lg2.git_repository_head_unborn(repo) == 1)
		goto done;
	if (lg2.git_revwalk_new(&walk, repo) < 0 ||
	    lg2.git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    lg2.git_revwalk_push_head(walk) < 0) {
		error = git_fail(state_dir, "cannot walk the history");
		goto done;
	}
	while (error == 0 && (rc = lg2.git_revwalk_next(&id, walk)) == 0) {
		if (lg2.git_commit_lookup(&c, repo, &id) < 0) {
			error = git_fail(state_dir, "cannot read a commit");
			break;
		}
		/* the newest commit counts whatever its age: it is the state */
		if (n == 0 || ((keep_last <= 0 || n < keep_last) &&
		               (newer_than <= 0 || (int64_t)lg2.git_commit_time(c) >= newer_than)))
			error = tree_records(repo, c, state_dir, fn, ctx);
		n++;
		lg2.git_commit_free(c);
		c = NULL;
	}
	if (error == 0 && rc != GIT_ITEROVER && rc < 0)
		error = git_fail(state_dir, "cannot walk the history");
done:
	lg2.git_revwalk_free(walk);
	lg2.git_repository_free(repo);
	return error;
}

/* ---- state push and pull ---- */

/* An https remote's token comes from $PIPE_STATE_TOKEN, handed to libgit2
 * for the one request and never written anywhere (the remote is
 * anonymous: no config names it).  Asked again, the token was refused. */
struct transfer {
	int asked;
	char *rejected; /* a ref the remote refused, and why */
};

static int credentials(git_credential **out, const char *url, const char *user, unsigned int allowed,
                       void *payload)
{
	struct transfer *t = payload;
	const char *token = getenv("PIPE_STATE_TOKEN");
	(void)url;
	if (!token || !*token || !(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) || t->asked++)
		return GIT_PASSTHROUGH;
	return lg2.git_credential_userpass_plaintext_new(out, user && *user ? user : "x-access-token", token);
}

static int push_status(const char *ref, const char *status, void *payload)
{
	struct transfer *t = payload;
	if (status && !t->rejected)
		t->rejected = xasprintf("%s: %s", ref, status);
	return 0;
}

/* An anonymous remote (no config names it, so nothing stores its URL) for
 * url as given: git's url.<base>.insteadOf rewrites are not applied (their
 * lookup in libgit2 1.5 leaks the regex match data it makes). */
static int anonymous_remote(git_remote **out, git_repository *repo, const char *url)
{
	git_remote_create_options opts;
	lg2.git_remote_create_options_init(&opts, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	opts.repository = repo;
	opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return lg2.git_remote_create_with_opts(out, url, &opts);
}

/* HEAD's branch, refs/heads/main or another: a state repository is on one. */
static int head_branch(git_repository *repo, const char *dir, char **out)
{
	git_reference *head = NULL;
	int error = 0;
	if (lg2.git_reference_lookup(&head, repo, "HEAD") < 0)
		return git_fail(dir, "cannot read HEAD");
	if (lg2.git_reference_type(head) != GIT_REFERENCE_SYMBOLIC)
		error = error_set("%s: HEAD is detached: check out the branch to push or pull", dir);
	else
		*out = xstrdup(lg2.git_reference_symbolic_target(head));
	lg2.git_reference_free(head);
	return error;
}

int history_push(const char *state_dir, const char *remote_url, struct buf *said)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	git_push_options opts;
	struct transfer t = {0, NULL};
	char *branch = NULL, *spec = NULL;
	int error;

	if ((error = open_repo(state_dir, &repo)) < 0)
		return error;
	if ((error = head_branch(repo, state_dir, &branch)) < 0)
		goto done;
	if (lg2.git_repository_head_unborn(repo) == 1) {
		buf_printf(said, "nothing to push: no build recorded yet");
		goto done;
	}
	spec = xasprintf("%s:%s", branch, branch);
	git_strarray specs = {&spec, 1};
	lg2.git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	opts.callbacks.credentials = credentials;
	opts.callbacks.push_update_reference = push_status;
	opts.callbacks.payload = &t;
	if (anonymous_remote(&remote, repo, remote_url) < 0 ||
	    lg2.git_remote_push(remote, &specs, &opts) < 0) {
		error = git_fail(state_dir, "cannot push");
		goto done;
	}
	if (t.rejected) {
		error = error_set("%s: the remote refused %s (it has builds this one has not: "
		                  "pipe state pull first)", state_dir, t.rejected);
		goto done;
	}
	buf_printf(said, "pushed %s", branch);
done:
	free(t.rejected);
	free(spec);
	free(branch);
	lg2.git_remote_free(remote);
	lg2.git_repository_free(repo);
	return error;
}

#define PULLED_REF "refs/pipe/pulled"

/* Links into mine (made if need be) each file of dir that is a pack's
 * (pack-*suffix) or, suffix NULL, a loose object's (no dot in its name):
 * false when one could not be linked. */
static bool link_files(const char *dir, const char *mine, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool ok = true;
	if (!d)
		return true;
	if (mkdir_p(mine) == 0)
		while (ok && (e = readdir(d))) {
			bool want = suffix ? str_starts(e->d_name, "pack-") && str_ends(e->d_name, suffix) :
			                     !strchr(e->d_name, '.');
			if (want) {
				char *src = path_join(dir, e->d_name), *dst = path_join(mine, e->d_name);
				ok = link(src, dst) == 0;
				free(src);
				free(dst);
			}
		}
	closedir(d);
	return ok;
}

/* Links the object files of the repository at path (bare or not) into
 * the fresh repository whose objects directory is to: packs (each .pack
 * before its .idx, which makes it seen) and loose objects, as git clone
 * does from a path.  The fetch that follows then finds every object there
 * and sends nothing, where it would pack them all and index the pack
 * again.  A file that cannot be linked (another filesystem) stops it: the
 * fetch brings what is not there. */
static void link_objects(const char *path, const char *to)
{
	char *from = path_join(path, "objects"), *git = NULL;
	char *pack = NULL, *mine = NULL;
	DIR *d;
	struct dirent *e;

	if (!path_is_dir(from)) {
		free(from);
		git = path_join(path, ".git");
		from = path_join(git, "objects");
	}
	pack = path_join(from, "pack");
	mine = path_join(to, "pack");
	bool ok = link_files(pack, mine, ".pack") && link_files(pack, mine, ".idx");
	/* loose objects: objects/ab/cdef... */
	if (ok && (d = opendir(from))) {
		while (ok && (e = readdir(d))) {
			if (strlen(e->d_name) != 2 || !isxdigit((unsigned char)e->d_name[0]) ||
			    !isxdigit((unsigned char)e->d_name[1]))
				continue;
			char *dir = path_join(from, e->d_name), *sub = path_join(to, e->d_name);
			ok = link_files(dir, sub, NULL);
			free(dir);
			free(sub);
		}
		closedir(d);
	}
	free(pack);
	free(mine);
	free(from);
	free(git);
}

int history_pull(const char *state_dir, const char *remote_url, struct buf *said)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	git_reference *moved = NULL;
	git_fetch_options opts;
	git_checkout_options co;
	struct transfer t = {0, NULL};
	git_oid ours, theirs;
	char *branch = NULL, *spec = NULL, *git_dir = path_join(state_dir, ".git");
	bool fresh = !path_exists(git_dir);
	int error;

	free(git_dir);
	/* a fresh checkout (a CI job's) has no state/: made here, as pipe init
	 * makes it, in the process that loads libgit2 anyway (an existing one
	 * is opened once, by open_repo) */
	if ((fresh && (error = init_repo(state_dir, false)) < 0) || (error = open_repo(state_dir, &repo)) < 0)
		return error;
	if (fresh && !strstr(remote_url, "://") && path_is_dir(remote_url)) {
		char *objects = path_join(lg2.git_repository_path(repo), "objects");
		link_objects(remote_url, objects);
		free(objects);
	}
	if ((error = head_branch(repo, state_dir, &branch)) < 0)
		goto done;
	spec = xasprintf("+%s:" PULLED_REF, branch);
	git_strarray specs = {&spec, 1};
	lg2.git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	opts.callbacks.credentials = credentials;
	opts.callbacks.payload = &t;
	if (anonymous_remote(&remote, repo, remote_url) < 0 ||
	    lg2.git_remote_fetch(remote, &specs, &opts, NULL) < 0) {
		error = git_fail(state_dir, "cannot pull");
		goto done;
	}
	if (lg2.git_reference_name_to_id(&theirs, repo, PULLED_REF) < 0) {
		buf_printf(said, "the remote has no %s yet: nothing to pull", branch);
		goto done;
	}
	if (lg2.git_reference_name_to_id(&ours, repo, branch) == 0) {
		if (lg2.git_oid_equal(&ours, &theirs)) {
			buf_printf(said, "already up to date");
			goto done;
		}
		if (lg2.git_graph_descendant_of(repo, &ours, &theirs) == 1) {
			buf_printf(said, "this state is ahead of the remote's: nothing to pull");
			goto done;
		}
		if (lg2.git_graph_descendant_of(repo, &theirs, &ours) != 1) {
			error = error_set("%s: this state and the remote's have each recorded builds the "
			                  "other has not; pipe merges no state: keep one (rm -rf %s and pull "
			                  "again, or push with git --force)", state_dir, state_dir);
			goto done;
		}
	}
	/* a fast-forward: the branch moves, the records follow */
	if (lg2.git_reference_create(&moved, repo, branch, &theirs, 1, "pipe state pull") < 0) {
		error = git_fail(state_dir, "cannot move the branch");
		goto done;
	}
	lg2.git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (lg2.git_checkout_head(repo, &co) < 0) {
		error = git_fail(state_dir, "cannot check out the pulled records");
		goto done;
	}
	{
		char id[41];
		lg2.git_oid_tostr(id, sizeof(id), &theirs);
		buf_printf(said, "at %.12s", id);
	}
done:
	free(spec);
	free(branch);
	lg2.git_reference_free(moved);
	lg2.git_remote_free(remote);
	lg2.git_repository_free(repo);
	return error;
}
