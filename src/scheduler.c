/* scheduler: builds what is due, then sleeps until the next due time.
 *
 * A wake-up asks each scheduled target (every or cron) of the selection when
 * it is next due after its last successful build (schedule_next, as `pipe
 * due` and the plan do) or after the last time this scheduler handled for it,
 * whichever is later.  The due targets, what depends on them and what they
 * need are one run: one build_run, one commit, one log line with the run's
 * id.  Then the process sleeps in ppoll() until the earliest next due time;
 * a signal or a change in pipelines/ (inotify) wakes it sooner.  Nothing
 * polls: an idle scheduler wakes once an hour at most, to notice a clock
 * that was set.
 *
 * Catch-up (docs/orchestration.md): the times a target was due while no
 * scheduler ran are its missed times, found when the scheduler first sees
 * it.  catchup = none drops them, last (the default) runs once for the
 * latest, all runs once for each of the latest CATCHUP_MAX, in order.  A
 * missed time of a target with inputs whose inputs and recipe hash as at its
 * last build is satisfied, not run: the build would make what is there.  The
 * latest satisfied time goes in the target's record (field satisfied) and
 * is committed, so the history shows it and a later scheduler starts after it.
 *
 * The lock (SCHEDULER_LOCK_PATH) is a file flock()ed for the scheduler's
 * life, holding its pid: a second scheduler names the holder and fails; the
 * kernel drops the lock of a dead process, and the next one takes it over.
 *
 * A run's id is its start, UTC, the scheduler's pid and the run's number in
 * this scheduler: 20261202T110000Z-4242.3.  Each target's record of the run
 * carries it (`run`), as a manual build's carries its own. */
#include "scheduler.h"
#include "cron.h"
#include "history.h"
#include "index.h"
#include "plan.h"
#include "runs.h"
#include "state.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define SCHEDULER_LOCK_PATH ".pipe/scheduler.lock"
/* catchup = all runs at most this many missed times: the latest ones */
#define CATCHUP_MAX 100
/* a cron's missed times are walked one by one, this many at most: after a
 * longer downtime (70 days of a minutely cron) the ones walked are not the
 * latest (an every's are counted, not walked) */
#define CATCHUP_SCAN 100000
/* the longest sleep, in real milliseconds */
#define WAKE_MAX_MS (3600 * 1000.0)

/* What the scheduler remembers of a target, by name, across DAG reloads. */
struct slots {
	char *name;
	bool seen;       /* its missed times were looked for */
	int64_t handled; /* the last due time run, satisfied or dropped; -1 */
	int64_t *missed; /* its missed times still to run, oldest first */
	size_t nmissed, head;
};

struct sched {
	const struct scheduler_opts *o;
	const struct graph *g;
	const bool *selected;
	void *dag;
	struct slots *t;
	size_t nt, capt;
	unsigned runs;
	int inotify_fd;
	bool dag_changed;
	char last_next[160]; /* the last "next ..." line printed */
};

static volatile sig_atomic_t stop_signal, hup_signal;

static void on_stop(int sig) { stop_signal = sig; }
static void on_hup(int sig) { hup_signal = sig; }

static void say(const char *fmt, ...) PIPE_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;
	fputs("pipe scheduler: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int64_t scheduler_last_build(const struct index *ix, const char *name)
{
	struct index_target e;
	struct state_record rec;
	int64_t finished = -1;
	if (index_target_get(ix, name, &e) && e.status != INDEX_NONE && e.finished > 0)
		return e.finished;
	state_record_init(&rec);
	if (state_read(PIPE_STATE_DIR, name, &rec) == 0 && rec.status && !strcmp(rec.status, "ok"))
		finished = rec.finished;
	error_clear();
	state_record_free(&rec);
	return finished;
}

static bool scheduled(const struct target *t)
{
	return target_value(t, "every") || target_value(t, "cron");
}

static int64_t next_after(const struct target *t, int64_t after)
{
	return schedule_next(target_value(t, "every"), target_value(t, "cron"), target_value(t, "tz"),
	                     after);
}

static struct slots *slots_of(struct sched *s, const char *name)
{
	for (size_t i = 0; i < s->nt; i++)
		if (!strcmp(s->t[i].name, name))
			return &s->t[i];
	grow_array(&s->t, &s->capt, s->nt + 1, sizeof(*s->t));
	s->t[s->nt] = (struct slots){.name = xstrdup(name), .handled = -1};
	return &s->t[s->nt++];
}

static int take_lock(int *fd_out)
{
	char pid[32] = "";
	ssize_t n;
	int fd, error;
	if ((error = mkdir_p(".pipe")) < 0)
		return error;
	if ((fd = open(SCHEDULER_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return error_set("cannot open %s: %s", SCHEDULER_LOCK_PATH, strerror(errno));
	n = pread(fd, pid, sizeof(pid) - 1, 0);
	pid[n > 0 ? n : 0] = '\0';
	str_trim(pid);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return error_setcode(PIPE_ELOCKED, "another pipe scheduler runs for this project (pid %s, "
		                     "lock %s): one per project; stop it first (kill -TERM %s)",
		                     pid[0] ? pid : "?", SCHEDULER_LOCK_PATH, pid[0] ? pid : "PID");
	}
	if (pid[0])
		say("took over %s from pid %s, which no longer runs", SCHEDULER_LOCK_PATH, pid);
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		close(fd);
		return error_set("cannot write %s: %s", SCHEDULER_LOCK_PATH, strerror(errno));
	}
	*fd_out = fd;
	return 0;
}

static int load(struct sched *s)
{
	const struct graph *g;
	const bool *selected;
	void *dag;
	int error;
	if ((error = s->o->load_dag(s->o->arg, &g, &selected, &dag)) < 0)
		return error;
	if (s->dag)
		s->o->free_dag(s->o->arg, s->dag);
	s->g = g;
	s->selected = selected;
	s->dag = dag;
	return 0;
}

/* The first look at a target that built before: the times it was due since
 * then, up to now, are missed; catchup says what becomes of them. */
static void find_missed(struct slots *sl, const struct target *t, int64_t last, int64_t now)
{
	const char *policy = target_value(t, "catchup"), *every = target_value(t, "every");
	int64_t ring[CATCHUP_MAX], at = last, period = every ? duration_parse(every) : -1;
	size_t n = 0, seen = 0; /* missed times, and those of them in ring */
	char when[32];
	sl->seen = true;
	/* an every's times are last + k periods: the older ones are counted */
	if (period > 0 && (now - last) / period > CATCHUP_MAX) {
		n = (size_t)((now - last) / period - CATCHUP_MAX);
		at = last + (int64_t)n * period;
	}
	while (seen < CATCHUP_SCAN && (at = next_after(t, at)) >= 0 && at <= now)
		ring[seen++ % CATCHUP_MAX] = at;
	n += seen;
	if (!seen)
		return;
	int64_t latest = ring[(seen - 1) % CATCHUP_MAX];
	if (policy && !strcmp(policy, "none")) {
		sl->handled = latest;
		time_iso(latest, when);
		say("%s: %zu missed time%s dropped, the last %s (catchup = none)", t->name, n,
		    n == 1 ? "" : "s", when);
		return;
	}
	size_t keep = policy && !strcmp(policy, "all") ? (seen < CATCHUP_MAX ? seen : CATCHUP_MAX) : 1;
	if (n > keep && keep > 1)
		say("%s: %zu missed times; catching up the last %zu (catchup = all)", t->name, n, keep);
	sl->missed = xcalloc(keep, sizeof(int64_t));
	for (size_t k = 0; k < keep; k++)
		sl->missed[k] = ring[(seen - keep + k) % CATCHUP_MAX];
	sl->nmissed = keep;
	sl->head = 0;
}

/* The latest satisfied time in name's record (-1: none). */
static int64_t satisfied_of(const char *name)
{
	struct state_record rec;
	int64_t at = -1;
	state_record_init(&rec);
	if (state_read(PIPE_STATE_DIR, name, &rec) == 0)
		at = time_parse_iso(state_field(&rec, "satisfied"));
	error_clear();
	state_record_free(&rec);
	return at;
}

/* Writes the latest satisfied time into name's record and commits it,
 * under the build lock (a build under way: the next look records it). */
static int record_satisfied(const char *name, int64_t at, size_t n)
{
	struct state_record rec;
	char when[32], *path = state_path(name), *msg = NULL;
	const char *paths[1] = {path};
	int lock_fd = -1, error;
	bool committed;
	state_record_init(&rec);
	time_iso(at, when);
	if ((error = build_lock(&lock_fd)) < 0 || (error = state_read(PIPE_STATE_DIR, name, &rec)) < 0 ||
	    (error = history_init(PIPE_STATE_DIR)) < 0)
		goto done;
	/* this commit takes a killed build's records too: its run, left
	 * running, says it was killed, as a build's commit would */
	if (history_uncommitted(PIPE_STATE_DIR) && (error = runs_mark_killed(PIPE_STATE_DIR, NULL)) < 0)
		goto done;
	if ((error = history_begin(PIPE_STATE_DIR, paths, 1)) < 0)
		goto done;
	state_field_set(&rec, "satisfied", when);
	if ((error = state_write(PIPE_STATE_DIR, &rec)) < 0)
		goto done;
	msg = xasprintf("pipe scheduler: %s satisfied up to %s\n\n%zu missed time%s not run: its inputs "
	                "hash as at its last build.\n", name, when, n, n == 1 ? "" : "s");
	error = history_commit_paths(PIPE_STATE_DIR, msg, paths, 1, &committed);
done:
	if (lock_fd >= 0)
		close(lock_fd);
	state_record_free(&rec);
	free(path);
	free(msg);
	return error;
}

/* Each target's reason to build as the plan sees it now. */
static int plan_reasons(const struct graph *g, enum reason *out)
{
	struct index *ix = NULL;
	struct plan p;
	bool *all = xcalloc(g->n + 1, sizeof(bool));
	int error;
	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < g->n; i++)
		all[i] = true;
	if ((error = index_load(&ix, PIPE_INDEX_PATH)) < 0 ||
	    (error = plan_init(&p, g, ix, PIPE_STATE_DIR)) < 0)
		goto done;
	plan_preload(&p, all, 1);
	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		if ((error = plan_target(&p, i)) < 0)
			goto done;
		out[i] = p.t[i].reason;
	}
done:
	plan_free(&p);
	index_free(ix);
	free(all);
	return error;
}

/* The due targets, what depends on them, and what all those need. */
static void select_run(const struct graph *g, const bool *due, bool *sel)
{
	memcpy(sel, due, g->n * sizeof(bool));
	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		for (size_t u = 0; sel[i] && u < g->nodes[i].nusers; u++)
			sel[g->nodes[i].users[u]] = true;
	}
	for (size_t k = g->n; k-- > 0;) {
		int i = g->order[k];
		for (size_t d = 0; sel[i] && d < g->nodes[i].ninputs; d++)
			if (g->nodes[i].inputs[d].target >= 0)
				sel[g->nodes[i].inputs[d].target] = true;
	}
}

/* One run: builds the due targets (at their due times `at`) and prints its
 * line.  Returns build_run's result. */
static int run(struct sched *s, const bool *due, const bool *forced, const int64_t *at,
               const bool *missed)
{
	const struct graph *g = s->g;
	bool *sel = xcalloc(g->n + 1, sizeof(bool));
	struct build_opts o = s->o->build;
	struct buf line = BUF_INIT;
	char id[64], stamp[32], when[32];
	time_t start = (time_t)time_wall_s();
	struct tm tm;
	int rc;

	gmtime_r(&start, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(id, sizeof(id), "%s-%ld.%u", stamp, (long)getpid(), ++s->runs);
	select_run(g, due, sel);
	o.forced = forced;
	o.run_id = id;
	o.trigger = "scheduler";
	rc = build_run(g, sel, &o);
	for (size_t i = 0; i < g->n; i++) {
		if (!due[i])
			continue;
		time_iso(at[i], when);
		buf_printf(&line, "%s%s (%s %s)", line.len ? ", " : "", g->nodes[i].t->name,
		           missed[i] ? "missed" : "due", when);
	}
	if (rc < 0)
		say("run %s error: %s: %s", id, buf_cstr(&line), error_last());
	else
		say("run %s %s: %s", id, build_signal() ? "interrupted" : rc ? "failed" : "ok",
		    buf_cstr(&line));
	error_clear();
	buf_free(&line);
	free(sel);
	return rc;
}

/* One look at every scheduled target: runs what is due, or says when the
 * next is.  *wake is the next due time (-1: none); returns whether it ran
 * or settled anything, so that the caller looks again before sleeping. */
static bool wake_up(struct sched *s, int64_t *wake)
{
	const struct graph *g = s->g;
	struct index *ix = NULL;
	bool *due = xcalloc(g->n + 1, sizeof(bool)), *forced = xcalloc(g->n + 1, sizeof(bool));
	bool *missed = xcalloc(g->n + 1, sizeof(bool)), any = false, acted = false;
	int64_t *at = xcalloc(g->n + 1, sizeof(int64_t)), now = time_wall_s();
	enum reason *reason = NULL;
	const char *next_name = NULL;

	*wake = -1;
	if (index_load(&ix, PIPE_INDEX_PATH) < 0)
		error_clear(); /* an empty index: the records answer */
	for (size_t i = 0; i < g->n; i++) {
		const struct target *t = g->nodes[i].t;
		struct slots *sl;
		int64_t last, next;
		if (!s->selected[i] || !scheduled(t))
			continue;
		sl = slots_of(s, t->name);
		last = scheduler_last_build(ix, t->name);
		if (!sl->seen) {
			int64_t satisfied = satisfied_of(t->name);
			sl->seen = true;
			if (last >= 0)
				find_missed(sl, t, satisfied > last ? satisfied : last, now);
		}
		if (sl->head < sl->nmissed) {
			due[i] = missed[i] = any = true;
			at[i] = sl->missed[sl->head];
			continue;
		}
		if (last < 0 && sl->handled < 0) {
			due[i] = any = true;
			at[i] = now;
			continue;
		}
		next = next_after(t, last > sl->handled ? last : sl->handled);
		if (next >= 0 && next <= now) {
			due[i] = any = true;
			at[i] = next;
		} else if (next >= 0 && (*wake < 0 || next < *wake)) {
			*wake = next;
			next_name = t->name;
		}
	}
	index_free(ix);

	/* a missed time whose inputs hash as at the last build is satisfied;
	 * one the plan calls fresh (catchup = all, after the first) is forced */
	for (size_t i = 0; i < g->n && any; i++) {
		if (!missed[i])
			continue;
		if (!reason) {
			reason = xcalloc(g->n + 1, sizeof(*reason));
			if (plan_reasons(g, reason) < 0) {
				say("cannot tell whether missed times are satisfied: %s", error_last());
				error_clear();
				for (size_t k = 0; k < g->n; k++)
					reason[k] = REASON_INPUT; /* run them */
			}
		}
		const struct target *t = g->nodes[i].t;
		struct slots *sl = slots_of(s, t->name);
		bool same = reason[i] == REASON_FRESH || reason[i] == REASON_EXPIRED;
		if (same && g->nodes[i].ninputs > 0) {
			size_t n = sl->nmissed - sl->head;
			char first[32], lastt[32];
			time_iso(sl->missed[sl->head], first);
			time_iso(sl->missed[sl->nmissed - 1], lastt);
			if (n == 1)
				say("%s: missed %s satisfied: its inputs hash as at its last build", t->name, first);
			else
				say("%s: %zu missed times, %s to %s, satisfied: its inputs hash as at its last build",
				    t->name, n, first, lastt);
			sl->handled = sl->missed[sl->nmissed - 1];
			sl->head = sl->nmissed;
			if (record_satisfied(t->name, sl->handled, n) < 0) {
				say("%s: the satisfied times are not recorded: %s", t->name, error_last());
				error_clear();
			}
			due[i] = missed[i] = false;
			acted = true;
		} else if (reason[i] == REASON_FRESH) {
			forced[i] = true;
		}
	}
	any = false;
	for (size_t i = 0; i < g->n; i++)
		any = any || due[i];
	if (any) {
		run(s, due, forced, at, missed);
		for (size_t i = 0; i < g->n; i++) {
			if (!due[i])
				continue;
			struct slots *sl = slots_of(s, g->nodes[i].t->name);
			if (at[i] > sl->handled)
				sl->handled = at[i];
			if (missed[i])
				sl->head++;
		}
		acted = true;
	} else if (!acted) {
		char when[32], line[160];
		if (next_name)
			time_iso(*wake, when);
		snprintf(line, sizeof(line), "%s%s%s", next_name ? "next: " : "nothing scheduled",
		         next_name ? next_name : "", next_name ? " at " : "");
		if (next_name)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", when);
		if (strcmp(line, s->last_next)) {
			say("%s", line);
			snprintf(s->last_next, sizeof(s->last_next), "%s", line);
		}
	}
	free(reason);
	free(due);
	free(forced);
	free(missed);
	free(at);
	return acted;
}

/* Sleeps until the clock reads wake (-1: as long as may be), a signal
 * arrives or pipelines/ changes.  Called with the signals blocked: ppoll
 * lets them in only while it waits. */
static void sleep_until(struct sched *s, int64_t wake, const sigset_t *waiting_mask)
{
	double ms = wake < 0 ? WAKE_MAX_MS : time_wall_wait_ms(wake) + 1;
	struct pollfd pfd = {s->inotify_fd, POLLIN, 0};
	struct timespec ts;
	if (ms > WAKE_MAX_MS)
		ms = WAKE_MAX_MS;
	ts.tv_sec = (time_t)(ms / 1e3);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1e3) * 1e6);
	if (ppoll(&pfd, s->inotify_fd >= 0 ? 1 : 0, &ts, waiting_mask) > 0 && (pfd.revents & POLLIN)) {
		char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		while (read(s->inotify_fd, events, sizeof(events)) > 0)
			;
		s->dag_changed = true;
	}
}

int scheduler_run(const struct scheduler_opts *o)
{
	struct sched s;
	struct sigaction sa, old_int, old_term, old_hup;
	sigset_t block, waiting;
	int lock_fd = -1, error;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.inotify_fd = -1;
	if ((error = take_lock(&lock_fd)) < 0)
		return error;
	if ((error = load(&s)) < 0)
		goto done;
	/* pipelines/ changed: the DAG is read again at the wake-up */
	s.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s.inotify_fd >= 0 && inotify_add_watch(s.inotify_fd, "pipelines", IN_CLOSE_WRITE | IN_MOVED_TO |
	                                          IN_MOVED_FROM | IN_DELETE) < 0) {
		close(s.inotify_fd);
		s.inotify_fd = -1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, &old_hup);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGHUP);

	say("started, pid %ld", (long)getpid());
	while (!stop_signal) {
		int64_t wake;
		if (s.dag_changed || hup_signal) {
			s.dag_changed = false;
			hup_signal = 0;
			if (load(&s) < 0) {
				say("%s; the DAG stays as it was", error_last());
				error_clear();
			}
		}
		/* a build takes the signals itself (build.c): let them in */
		sigprocmask(SIG_UNBLOCK, &block, NULL);
		bool acted = wake_up(&s, &wake);
		sigprocmask(SIG_BLOCK, &block, NULL);
		if (build_signal() && !stop_signal)
			stop_signal = build_signal();
		if (acted || stop_signal)
			continue;
		/* what was due before --until has run: stop rather than sleep past it */
		if (o->until >= 0 && (wake < 0 || wake > o->until)) {
			char when[32];
			time_iso(o->until, when);
			if (time_wall_s() >= o->until) {
				say("stopped: the clock reached --until %s", when);
				break;
			}
			wake = o->until;
		}
		sleep_until(&s, wake, &waiting);
	}
	if (stop_signal)
		say("stopped by %s", stop_signal == SIGTERM ? "SIGTERM" : stop_signal == SIGINT ? "SIGINT" : "SIGHUP");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	error = 0;
done:
	if (s.dag)
		o->free_dag(o->arg, s.dag);
	for (size_t i = 0; i < s.nt; i++) {
		free(s.t[i].name);
		free(s.t[i].missed);
	}
	free(s.t);
	if (s.inotify_fd >= 0)
		close(s.inotify_fd);
	if (lock_fd >= 0) {
		unlink(SCHEDULER_LOCK_PATH);
		close(lock_fd);
	}
	return error;
}

/* The pipe binary's own path, for the lines that run it again. */
static char *self_path(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		return xstrdup("pipe");
	path[n] = '\0';
	return xstrdup(path);
}

int scheduler_print_systemd(FILE *out)
{
	char *cwd = getcwd(NULL, 0), *exe = self_path();
	if (!cwd) {
		free(exe);
		return error_set("cannot tell the current directory: %s", strerror(errno));
	}
	fprintf(out,
	        "# pipe scheduler for %s, as a systemd service.  Save it as\n"
	        "# ~/.config/systemd/user/pipe-scheduler.service, then\n"
	        "#   systemctl --user daemon-reload && systemctl --user enable --now pipe-scheduler\n"
	        "# (a system unit goes in /etc/systemd/system/ with a User= line).\n"
	        "# SIGTERM stops it: the running build finishes or is abandoned whole.\n"
	        "[Unit]\n"
	        "Description=pipe scheduler for %s\n"
	        "After=network-online.target\n"
	        "Wants=network-online.target\n"
	        "\n"
	        "[Service]\n"
	        "Type=simple\n"
	        "WorkingDirectory=%s\n"
	        "ExecStart=%s scheduler\n"
	        "ExecReload=/bin/kill -HUP $MAINPID\n"
	        "KillMode=mixed\n"
	        "KillSignal=SIGTERM\n"
	        "TimeoutStopSec=60\n"
	        "Restart=on-failure\n"
	        "RestartSec=10\n"
	        "\n"
	        "[Install]\n"
	        "WantedBy=default.target\n",
	        cwd, cwd, cwd, exe);
	free(cwd);
	free(exe);
	return 0;
}

/* A cron expression that comes at least as often as every period p: `pipe
 * build` rebuilds the target only once it is due, so an earlier call costs
 * a no-op build. */
static void every_as_cron(int64_t p, char out[32])
{
	static const int minute_steps[] = {30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1};
	static const int hour_steps[] = {12, 8, 6, 4, 3, 2, 1};
	size_t k = 0;
	if (p < 3600) {
		while (minute_steps[k] > p / 60 && minute_steps[k] > 1)
			k++;
		snprintf(out, 32, minute_steps[k] == 1 ? "* * * * *" : "*/%d * * * *", minute_steps[k]);
	} else if (p < 86400) {
		while (hour_steps[k] > p / 3600 && hour_steps[k] > 1)
			k++;
		snprintf(out, 32, hour_steps[k] == 1 ? "0 * * * *" : "0 */%d * * *", hour_steps[k]);
	} else {
		snprintf(out, 32, "0 0 * * *");
	}
}

static void shell_quote(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

int scheduler_print_cron(const struct graph *g, const bool *selected, FILE *out)
{
	char *cwd = getcwd(NULL, 0), *exe = self_path();
	struct buf dir = BUF_INIT, cmd = BUF_INIT;
	size_t n = 0;
	if (!cwd) {
		free(exe);
		return error_set("cannot tell the current directory: %s", strerror(errno));
	}
	shell_quote(&dir, cwd);
	shell_quote(&cmd, exe);
	fprintf(out, "# pipe's scheduled targets in %s, as crontab lines (crontab -e).\n"
	        "# `pipe build` rebuilds a target only once it is due, so a line that\n"
	        "# comes more often than an `every` costs only a no-op build.\n", cwd);
	for (size_t k = 0; k < g->n; k++) {
		const struct target *t = g->nodes[g->order[k]].t;
		const char *every = target_value(t, "every"), *cron = target_value(t, "cron");
		const char *tz = target_value(t, "tz");
		char expr[32];
		if (!selected[g->order[k]] || (!every && !cron))
			continue;
		if (every)
			every_as_cron(duration_parse(every), expr);
		if (tz) /* cronie reads CRON_TZ; other crons need the times in their own zone */
			fprintf(out, "# times in %s: with cronie, CRON_TZ=%s on the line above\n", tz, tz);
		fprintf(out, "%s cd %s && %s build %s  # %s = %s\n", every ? expr : cron, buf_cstr(&dir),
		        buf_cstr(&cmd), t->name, every ? "every" : "cron", every ? every : cron);
		n++;
	}
	if (!n)
		fprintf(out, "# (no target has every or cron)\n");
	free(cwd);
	free(exe);
	buf_free(&dir);
	buf_free(&cmd);
	return 0;
}
