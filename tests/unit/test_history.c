/* The state repository: each test makes its own under /tmp and checks it
 * both through our functions and through plain git. */
#include "t.h"

#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "history.h"
#include "state.h"

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/pipe-test-history-XXXXXX";
	return xstrdup(mkdtemp(tmpl));
}

/* Runs a shell command; its stdout (stderr too) goes to *out. */
static int sh(char **out, const char *fmt, ...) PIPE_PRINTF(2, 3);
static int sh(char **out, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT, text = BUF_INIT;
	char chunk[4096];
	size_t n;
	va_list ap;
	FILE *f;
	int status;
	va_start(ap, fmt);
	buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	buf_puts(&cmd, " 2>&1");
	f = popen(cmd.data, "r");
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	status = f ? pclose(f) : -1;
	buf_free(&cmd);
	if (out)
		*out = buf_detach(&text);
	else
		buf_free(&text);
	return status;
}

/* A record whose output hash is the given digit repeated: easy to read in
 * the expected `diff` lines. */
static int put(const char *dir, const char *target, char digit, const char *status)
{
	struct state_record rec;
	char hex[HASH_HEX_LEN + 1];
	int error;
	state_record_init(&rec);
	rec.target = xstrdup(target);
	rec.kind = xstrdup("command");
	rec.status = xstrdup(status);
	memset(hex, digit, HASH_HEX_LEN);
	hex[HASH_HEX_LEN] = '\0';
	hash_from_hex(hex, &rec.output);
	hash_bytes(target, strlen(target), &rec.key);
	rec.bytes = 10;
	error = state_write(dir, &rec);
	state_record_free(&rec);
	return error;
}

static char *capture_log(const char *dir, const char *target, int max, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	*rc = history_log(dir, target, max, f);
	fclose(f);
	return text;
}

static char *capture_diff(const char *dir, const char *a, const char *b, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	*rc = history_diff(dir, a, b, f);
	fclose(f);
	return text;
}

static void init_twice_and_empty_commit(void)
{
	char *root = temp_dir(), *dir = path_join(root, "deep/state"), *out = NULL;
	bool committed = true;
	int rc;
	CHECK_OK(history_init(dir));
	CHECK_OK(history_init(dir));
	CHECK_INT(sh(&out, "git -C %s symbolic-ref HEAD", dir), 0);
	CHECK_STR(out, "refs/heads/main\n");
	free(out);
	CHECK_INT(sh(&out, "grep -c 'tmp' %s/.git/info/exclude", dir), 0);
	free(out);

	/* Nothing recorded: nothing committed, and log and diff are empty. */
	CHECK_OK(history_commit(dir, "nothing", &committed));
	CHECK(!committed);
	CHECK(sh(NULL, "git -C %s rev-parse --verify -q HEAD", dir) != 0);
	out = capture_log(dir, NULL, 0, &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "");
	free(out);
	out = capture_diff(dir, NULL, NULL, &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "");
	free(out);
	CHECK_OK(rm_rf(root));
	free(root);
	free(dir);
}

/* A user who chose a default branch name gets it; "main" is only ours. */
static void init_follows_the_users_default_branch(void)
{
	char *dir = temp_dir(), *cfg = path_join(getenv("HOME"), ".gitconfig"), *out = NULL;
	const char text[] = "[init]\n\tdefaultBranch = trunk\n";
	CHECK_OK(file_write_atomic(cfg, text, sizeof(text) - 1));
	CHECK_OK(history_init(dir));
	unlink(cfg);
	CHECK_INT(sh(&out, "git -C %s symbolic-ref HEAD", dir), 0);
	CHECK_STR(out, "refs/heads/trunk\n");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
	free(cfg);
}

/* state/ normally sits inside the project's repository: it must get its
 * own, and a directory that is not one must be an error, not the parent. */
static void never_mistakes_the_enclosing_repository(void)
{
	char *root = temp_dir(), *state = path_join(root, "state");
	char *plain = path_join(root, "plain");
	bool committed;
	CHECK_OK(history_init(root));
	CHECK_OK(mkdir_p(plain));
	CHECK(history_commit(plain, "x", &committed) < 0);
	CHECK(strstr(error_last(), "plain: not a git repository") != NULL);
	CHECK(history_log(plain, NULL, 0, stdout) < 0);
	CHECK_OK(history_init(state));
	CHECK(path_is_dir(state) && path_exists(root) && sh(NULL, "test -d %s/.git", state) == 0);
	CHECK_OK(rm_rf(root));
	free(root);
	free(state);
	free(plain);
}

static void commits_new_modified_and_deleted_records(void)
{
	char *dir = temp_dir(), *out = NULL, *tmp;
	bool committed = false;
	CHECK_OK(history_init(dir));

	CHECK_OK(put(dir, "a", '1', "ok"));
	CHECK_OK(history_commit(dir, "build a", &committed));
	CHECK(committed);
	CHECK_OK(history_commit(dir, "no-op", &committed));
	CHECK(!committed);

	CHECK_OK(put(dir, "a", '2', "ok"));
	CHECK_OK(history_commit(dir, "rebuild a", &committed));
	CHECK(committed);

	/* A temp file of a killed write is never committed. */
	tmp = path_join(dir, "targets/c.state.tmp.4242");
	CHECK_OK(file_write_atomic(tmp, "target c\n", 9));
	CHECK_OK(put(dir, "b", '3', "ok"));
	CHECK_OK(state_remove(dir, "a"));
	CHECK_OK(history_commit(dir, "build b, drop a", &committed));
	CHECK(committed);

	CHECK_INT(sh(&out, "git -C %s log --format=%%s", dir), 0);
	CHECK_STR(out, "build b, drop a\nrebuild a\nbuild a\n");
	free(out);
	CHECK_INT(sh(&out, "git -C %s ls-tree -r --name-only HEAD", dir), 0);
	CHECK_STR(out, "targets/b.state\n");
	free(out);
	CHECK_INT(sh(&out, "git -C %s status --porcelain", dir), 0);
	CHECK_STR(out, "");
	free(out);
	CHECK_INT(sh(&out, "git -C %s fsck --strict --no-dangling", dir), 0);
	CHECK_STR(out, "");
	free(out);

	/* Deleting the last record is a change too: the tree becomes empty. */
	CHECK_OK(state_remove(dir, "b"));
	CHECK_OK(history_commit(dir, "drop b", &committed));
	CHECK(committed);
	CHECK_INT(sh(&out, "git -C %s ls-tree -r --name-only HEAD", dir), 0);
	CHECK_STR(out, "");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
	free(tmp);
}

static void author_from_config_else_pipe(void)
{
	char *dir = temp_dir(), *out = NULL;
	bool committed;
	CHECK_OK(history_init(dir));
	CHECK_OK(put(dir, "a", '1', "ok"));
	CHECK_OK(history_commit(dir, "one", &committed));
	CHECK_INT(sh(&out, "git -C %s log -1 --format='%%an <%%ae>|%%cn <%%ce>'", dir), 0);
	CHECK_STR(out, "pipe <pipe@localhost>|pipe <pipe@localhost>\n");
	free(out);

	CHECK_INT(sh(NULL, "git -C %s config user.name 'Ann Analyst' && "
	                   "git -C %s config user.email ann@example.org", dir, dir), 0);
	CHECK_OK(put(dir, "a", '2', "ok"));
	CHECK_OK(history_commit(dir, "two", &committed));
	CHECK_INT(sh(&out, "git -C %s log -1 --format='%%an <%%ae>'", dir), 0);
	CHECK_STR(out, "Ann Analyst <ann@example.org>\n");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

/* "1a2b3c4 2026-11-25 01:02:03 UTC  message": checks the shape of each
 * commit line and blanks the id and date so the rest can be compared. */
static char *blank_ids(const char *log)
{
	regex_t re;
	regmatch_t m;
	struct buf b = BUF_INIT;
	const char *p = log;
	regcomp(&re, "^[0-9a-f]{7} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC  ",
	        REG_EXTENDED | REG_NEWLINE);
	while (regexec(&re, p, 1, &m, p == log ? 0 : REG_NOTBOL) == 0) {
		if (m.rm_so > 0 && p[m.rm_so - 1] != '\n')
			break;
		buf_add(&b, p, (size_t)m.rm_so);
		buf_puts(&b, "ID DATE  ");
		p += m.rm_eo;
	}
	buf_puts(&b, p);
	regfree(&re);
	return buf_detach(&b);
}

static void log_newest_first_with_target_filter(void)
{
	char *dir = temp_dir(), *out, *blank, *head = NULL;
	bool committed;
	int rc;
	CHECK_OK(history_init(dir));
	CHECK_OK(put(dir, "a", '1', "ok"));
	CHECK_OK(put(dir, "b", '1', "ok"));
	CHECK_OK(history_commit(dir, "build a b\n\nrebuilt a: never built\nrebuilt b: never built\n",
	                        &committed));
	CHECK_OK(put(dir, "b", '2', "ok"));
	CHECK_OK(history_commit(dir, "build b", &committed));
	CHECK_OK(put(dir, "a", '2', "failed"));
	CHECK_OK(history_commit(dir, "build a (failed)\n\nfailed a: exit status 1\n\n  detail\n",
	                        &committed));

	out = capture_log(dir, NULL, 0, &rc);
	CHECK_OK(rc);
	blank = blank_ids(out);
	CHECK_STR(blank, "ID DATE  build a (failed)\n"
	                 "    failed a: exit status 1\n"
	                 "\n"
	                 "      detail\n"
	                 "ID DATE  build b\n"
	                 "ID DATE  build a b\n"
	                 "    rebuilt a: never built\n"
	                 "    rebuilt b: never built\n");
	CHECK_INT(sh(&head, "git -C %s rev-parse --short=7 HEAD", dir), 0);
	CHECK(strncmp(out, head, 7) == 0);
	free(out);
	free(blank);

	out = capture_log(dir, "b", 0, &rc);
	CHECK_OK(rc);
	blank = blank_ids(out);
	CHECK_STR(blank, "ID DATE  build b\n"
	                 "ID DATE  build a b\n"
	                 "    rebuilt a: never built\n"
	                 "    rebuilt b: never built\n");
	free(out);
	free(blank);

	out = capture_log(dir, "a", 1, &rc);
	CHECK_OK(rc);
	blank = blank_ids(out);
	CHECK_STR(blank, "ID DATE  build a (failed)\n"
	                 "    failed a: exit status 1\n"
	                 "\n"
	                 "      detail\n");
	free(out);
	free(blank);

	out = capture_log(dir, "never", 0, &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "");
	free(out);
	free(head);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

static void diff_names_what_changed(void)
{
	char *dir = temp_dir(), *out;
	bool committed;
	int rc;
	CHECK_OK(history_init(dir));
	CHECK_OK(put(dir, "b", '1', "ok"));
	CHECK_OK(put(dir, "a", '1', "ok"));
	CHECK_OK(history_commit(dir, "first", &committed));

	/* With no parent the first build is compared with nothing. */
	out = capture_diff(dir, NULL, NULL, &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "+ a  (new)\n+ b  (new)\n");
	free(out);

	CHECK_OK(put(dir, "a", '2', "ok"));
	CHECK_OK(put(dir, "b", '1', "failed"));
	CHECK_OK(put(dir, "c d", '3', "ok"));
	CHECK_OK(history_commit(dir, "second", &committed));
	CHECK_OK(state_remove(dir, "c d"));
	CHECK_OK(put(dir, "a", '4', "failed"));
	CHECK_OK(history_commit(dir, "third", &committed));

	out = capture_diff(dir, NULL, NULL, &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "~ a  output 222222222222.. -> 444444444444..\n"
	               "~ a  status ok -> failed\n"
	               "- c d  (removed)\n");
	free(out);

	out = capture_diff(dir, "HEAD~2", "HEAD~1", &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "~ a  output 111111111111.. -> 222222222222..\n"
	               "~ b  status ok -> failed\n"
	               "+ c d  (new)\n");
	free(out);

	/* One revision: compared with its parent. */
	out = capture_diff(dir, NULL, "HEAD~1", &rc);
	CHECK_OK(rc);
	CHECK(strstr(out, "+ c d  (new)\n") != NULL);
	free(out);

	out = capture_diff(dir, "HEAD", "HEAD", &rc);
	CHECK_OK(rc);
	CHECK_STR(out, "");
	free(out);

	out = capture_diff(dir, "nope", NULL, &rc);
	CHECK_INT(rc, PIPE_EUSAGE);
	CHECK_STR(error_last(), "unknown revision 'nope'");
	free(out);
	out = capture_diff(dir, "HEAD~1", "HEAD~9", &rc);
	CHECK_INT(rc, PIPE_EUSAGE);
	CHECK_STR(error_last(), "unknown revision 'HEAD~9'");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

/* Same output, new key: the early-cutoff case shows as a key change. */
static void diff_shows_rebuilds_with_the_same_output(void)
{
	char *dir = temp_dir(), *out;
	struct state_record rec;
	bool committed;
	int rc;
	CHECK_OK(history_init(dir));
	CHECK_OK(put(dir, "a", '1', "ok"));
	CHECK_OK(history_commit(dir, "first", &committed));
	CHECK_OK(state_read(dir, "a", &rec));
	memset(rec.key.b, 0xab, HASH_LEN);
	CHECK_OK(state_write(dir, &rec));
	state_record_free(&rec);
	CHECK_OK(history_commit(dir, "second", &committed));
	out = capture_diff(dir, NULL, NULL, &rc);
	CHECK_OK(rc);
	CHECK(str_starts(out, "~ a  key "));
	CHECK(str_ends(out, " -> abababababab.. (output unchanged)\n"));
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

/* A corrupt record in the history is reported with its revision and path. */
static void diff_reports_bad_records(void)
{
	char *dir = temp_dir(), *path = path_join(dir, "targets/a.state"), *out;
	bool committed;
	int rc;
	CHECK_OK(history_init(dir));
	CHECK_OK(put(dir, "a", '1', "ok"));
	CHECK_OK(history_commit(dir, "first", &committed));
	CHECK_OK(file_write_atomic(path, "target a\nbytes lots\n", 20));
	CHECK_OK(history_commit(dir, "second", &committed));
	out = capture_diff(dir, NULL, NULL, &rc);
	CHECK(rc < 0);
	CHECK_STR(error_last(), "HEAD:targets/a.state:2: expected a number, got 'lots'");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
	free(path);
}

/* A build killed at any moment of a commit leaves a repository that plain
 * git finds clean: objects first, the ref last.  (A lock file it held stays
 * behind, as with git; the user removes it, as done here.) */
static void killed_commits_leave_fsck_clean(void)
{
	char *dir = temp_dir(), *out = NULL;
	bool committed;
	CHECK_OK(history_init(dir));
	CHECK_OK(put(dir, "first", '1', "ok"));
	CHECK_OK(history_commit(dir, "first", &committed));
	for (int round = 0; round < 6; round++) {
		pid_t pid;
		fflush(stdout);
		if ((pid = fork()) == 0) {
			for (int i = 0;; i++) {
				char name[16];
				snprintf(name, sizeof(name), "t%d", i % 20);
				if (put(dir, name, "0123456789"[i % 10], "ok") < 0 ||
				    history_commit(dir, "build", &committed) < 0)
					_exit(1);
			}
		}
		CHECK(pid > 0);
		usleep(5000 + 9000 * round);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		CHECK_INT(sh(&out, "git -C %s fsck --strict --no-dangling", dir), 0);
		CHECK_STR(out, "");
		free(out);
		sh(NULL, "find %s/.git -name '*.lock' -delete", dir);
	}
	/* After the last kill, the next build commits what is left. */
	CHECK_OK(put(dir, "last", '2', "ok"));
	CHECK_OK(history_commit(dir, "last", &committed));
	CHECK(committed);
	CHECK_INT(sh(&out, "git -C %s status --porcelain && "
	                   "git -C %s fsck --strict --no-dangling", dir, dir), 0);
	CHECK_STR(out, "");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
}


/* Writes records t0..t<n-1>, each with the given digit as output, and
 * commits them the way a build does, by path. */
static int build_n(const char *dir, int n, char digit, const char *msg, bool *committed)
{
	char **paths = xcalloc((size_t)n, sizeof(char *));
	int error;
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "t%d", i);
		paths[i] = state_path(name);
	}
	error = history_begin(dir, (const char *const *)paths, (size_t)n);
	for (int i = 0; i < n && error == 0; i++) {
		char name[16];
		snprintf(name, sizeof(name), "t%d", i);
		error = put(dir, name, digit, "ok");
	}
	if (error == 0)
		error = history_commit_paths(dir, msg, (const char *const *)paths, (size_t)n,
		                             committed);
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return error;
}

/* A large commit writes one pack, not a file per object; a small one
 * writes loose objects.  Either way plain git reads it all. */
static void large_commits_write_one_pack(void)
{
	char *dir = temp_dir(), *out = NULL;
	bool committed = false;
	CHECK_OK(history_init(dir));
	CHECK_OK(build_n(dir, 300, '1', "first", &committed));
	CHECK(committed);
	CHECK_INT(sh(&out, "git -C %s count-objects -v | grep -E '^(count|in-pack|packs):'", dir), 0);
	CHECK_STR(out, "count: 0\nin-pack: 303\npacks: 1\n"); /* 300 blobs, 2 trees, 1 commit */
	free(out);
	CHECK_INT(sh(&out, "git -C %s show HEAD:targets/t7.state | cmp - %s/targets/t7.state", dir,
	             dir), 0);
	CHECK_STR(out, "");
	free(out);

	CHECK_OK(build_n(dir, 3, '2', "second", &committed));
	CHECK(committed);
	CHECK_INT(sh(&out, "git -C %s count-objects -v | grep -E '^(count|packs):'", dir), 0);
	CHECK_STR(out, "count: 6\npacks: 1\n"); /* 3 blobs, 2 trees, 1 commit */
	free(out);
	CHECK_INT(sh(&out, "git -C %s status --porcelain && git -C %s fsck --strict --no-dangling && "
	                   "git -C %s log -p | grep -c '^+output '", dir, dir, dir), 0);
	CHECK_STR(out, "303\n");
	free(out);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

static void plant(const char *dir, const char *rel)
{
	char *path = path_join(dir, rel);
	CHECK_OK(file_write_atomic(path, "", 0));
	free(path);
}

/* The rule for removing git's lock files: older than our build lock, and
 * open nowhere.  Lock files of a git command beside the build stay. */
static void stale_locks_are_removed_live_ones_kept(void)
{
	char *dir = temp_dir(), *out = NULL, *index_lock;
	struct buf removed = BUF_INIT;
	struct timespec before, since;
	bool committed;
	int fd;
	CHECK_OK(history_init(dir));
	CHECK_OK(build_n(dir, 2, '1', "first", &committed));
	index_lock = path_join(dir, ".git/index.lock");

	clock_gettime(CLOCK_REALTIME, &before);
	before.tv_sec -= 10;
	plant(dir, ".git/index.lock");
	plant(dir, ".git/HEAD.lock");
	plant(dir, ".git/refs/heads/main.lock");
	plant(dir, ".git/refs/heads/other.lock"); /* not a lock our commit takes */
	/* newer than the build lock: a git command that started after it */
	history_remove_stale_locks(dir, &before, &removed);
	CHECK_STR(buf_cstr(&removed), "");

	clock_gettime(CLOCK_REALTIME, &since);
	fd = open(index_lock, O_RDONLY); /* a git command still writing it */
	history_remove_stale_locks(dir, &since, &removed);
	CHECK(strstr(buf_cstr(&removed), "/.git/HEAD.lock\n") != NULL);
	CHECK(strstr(buf_cstr(&removed), "/.git/refs/heads/main.lock\n") != NULL);
	CHECK(strstr(buf_cstr(&removed), "index.lock") == NULL);
	CHECK(path_exists(index_lock));
	CHECK(build_n(dir, 2, '2', "blocked", &committed) < 0);
	CHECK(strstr(error_last(), "remove the .lock file") != NULL);

	close(fd);
	buf_clear(&removed);
	history_remove_stale_locks(dir, &since, &removed);
	CHECK(str_ends(buf_cstr(&removed), "/.git/index.lock\n"));
	CHECK(!path_exists(index_lock));
	CHECK_INT(sh(&out, "cd %s/.git && find . -name '*.lock' | sort", dir), 0);
	CHECK_STR(out, "./refs/heads/other.lock\n");
	free(out);

	/* the blocked commit's records come with the next one */
	CHECK_OK(history_commit_paths(dir, "next", NULL, 0, &committed));
	CHECK(committed);
	CHECK_INT(sh(&out, "git -C %s show --name-only --format=%%s && "
	                   "git -C %s status --porcelain", dir, dir), 0);
	CHECK_STR(out, "next\n\ntargets/t0.state\ntargets/t1.state\n");
	free(out);
	CHECK(!history_uncommitted(dir));
	buf_free(&removed);
	free(index_lock);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

/* A build killed while it writes a pack, the index or the ref: git finds
 * the repository clean, the next commit removes the lock files the killed
 * one left, and commits its records too. */
static void killed_pack_commits_recover(void)
{
	char *dir = temp_dir(), *out = NULL;
	bool committed;
	CHECK_OK(history_init(dir));
	CHECK_OK(build_n(dir, 150, '0', "first", &committed));
	for (int round = 0; round < 6; round++) {
		struct timespec since;
		struct buf removed = BUF_INIT;
		pid_t pid;
		fflush(stdout);
		if ((pid = fork()) == 0) {
			for (int i = 1;; i++)
				if (build_n(dir, 150, "0123456789"[i % 10], "build", &committed) < 0)
					_exit(1);
		}
		CHECK(pid > 0);
		usleep(20000 + 15000 * round);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		CHECK_INT(sh(&out, "git -C %s fsck --strict --no-dangling", dir), 0);
		CHECK_STR(out, "");
		free(out);
		clock_gettime(CLOCK_REALTIME, &since);
		history_remove_stale_locks(dir, &since, &removed);
		buf_free(&removed);
		CHECK_OK(history_commit_paths(dir, "after the kill", NULL, 0, &committed));
		CHECK_INT(sh(&out, "git -C %s status --porcelain && "
		                   "git -C %s fsck --strict --no-dangling", dir, dir), 0);
		CHECK_STR(out, "");
		free(out);
	}
	CHECK_OK(rm_rf(dir));
	free(dir);
}

/* The list of records waiting for a commit, empty (a build killed as it
 * wrote it) or with empty lines, names nothing to commit. */
static void empty_pending_list_commits_nothing_more(void)
{
	char *dir = temp_dir(), *pending, *out = NULL;
	bool committed;
	CHECK_OK(history_init(dir));
	pending = path_join(dir, ".git/pipe-uncommitted");
	CHECK_OK(file_write_atomic(pending, "", 0));
	CHECK_OK(history_commit_paths(dir, "none", NULL, 0, &committed));
	CHECK(!committed);
	CHECK(!history_uncommitted(dir));
	CHECK_OK(build_n(dir, 1, '1', "first", &committed));
	CHECK_OK(file_write_atomic(pending, "\n\ntargets/t0.state\n\n", 20));
	CHECK_OK(history_commit_paths(dir, "again", NULL, 0, &committed));
	CHECK(!committed);
	CHECK(!history_uncommitted(dir));
	CHECK_INT(sh(&out, "git -C %s status --porcelain", dir), 0);
	CHECK_STR(out, "");
	free(out);
	free(pending);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

int main(void)
{
	/* Neither the user's git config nor the system's may change what the
	 * tests see (branch name, author). */
	char *home = temp_dir();
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	RUN(init_twice_and_empty_commit);
	RUN(init_follows_the_users_default_branch);
	RUN(never_mistakes_the_enclosing_repository);
	RUN(commits_new_modified_and_deleted_records);
	RUN(author_from_config_else_pipe);
	RUN(log_newest_first_with_target_filter);
	RUN(diff_names_what_changed);
	RUN(diff_shows_rebuilds_with_the_same_output);
	RUN(diff_reports_bad_records);
	RUN(killed_commits_leave_fsck_clean);
	RUN(large_commits_write_one_pack);
	RUN(stale_locks_are_removed_live_ones_kept);
	RUN(killed_pack_commits_recover);
	RUN(empty_pending_list_commits_nothing_more);
	rm_rf(home);
	free(home);
	T_DONE();
}
