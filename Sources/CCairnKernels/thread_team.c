// A fixed team of threads that runs one task in several parts at once, for the training engine's
// GEMMs and element-wise loops. Workers spin briefly between tasks (a training step issues them
// back to back) and then sleep on a condition variable, so an idle team costs no CPU.
#if defined(__linux__)
#define _GNU_SOURCE  // sched_getaffinity, CPU_COUNT
#endif
#include <sched.h>
#include "CCairnKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CAIRN_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define CAIRN_PAUSE() __asm__ __volatile__("yield")
#else
#define CAIRN_PAUSE() ((void)0)
#endif


struct cairn_thread_team {
    int threads;                 // the team's size, the caller included
    long spin;                   // how long an idle worker spins before it sleeps, in nanoseconds
    pthread_t *workers;
    int launched;                // whether the workers were started (on the first job with parts > 1)
    int started;                 // workers actually created
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic long generation;     // bumped once per task; workers wait for it to change
    _Atomic int sleepers;        // workers asleep or about to sleep on `wake`
    _Atomic int remaining;       // workers that have not yet finished (or skipped) the current task
    _Atomic int stopping;
    cairn_team_task task;        // the current task, written before `generation` is bumped
    void *context;
    int parts;
};

typedef struct {
    struct cairn_thread_team *team;
    int index;                   // 1 ... threads - 1 (part 0 runs on the caller)
} cairn_worker_start;

static long cairn_now_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000000000L + now.tv_nsec;
}

/// Waits until `generation` differs from `seen` (or the team stops) and returns the new value.
static long cairn_wait_for_task(struct cairn_thread_team *team, long seen) {
    long deadline = cairn_now_nanoseconds() + team->spin;
    for (unsigned spin = 1; team->spin > 0; spin++) {
        long generation = atomic_load_explicit(&team->generation, memory_order_acquire);
        if (generation != seen) return generation;
        CAIRN_PAUSE();
        if ((spin & 255) == 0 && cairn_now_nanoseconds() > deadline) break;
    }
    atomic_fetch_add(&team->sleepers, 1);  // sequentially consistent: pairs with cairn_team_run
    pthread_mutex_lock(&team->lock);
    long generation;
    while ((generation = atomic_load(&team->generation)) == seen) pthread_cond_wait(&team->wake, &team->lock);
    pthread_mutex_unlock(&team->lock);
    atomic_fetch_sub(&team->sleepers, 1);
    return generation;
}

static void *cairn_worker_main(void *argument) {
    cairn_worker_start start = *(cairn_worker_start *)argument;
    free(argument);
    struct cairn_thread_team *team = start.team;
    long seen = 0;
    for (;;) {
        seen = cairn_wait_for_task(team, seen);
        if (atomic_load_explicit(&team->stopping, memory_order_acquire)) return NULL;
        if (start.index < team->parts) team->task(team->context, start.index);
        // Every worker acknowledges every task, so none can lag into the next one.
        atomic_fetch_sub_explicit(&team->remaining, 1, memory_order_acq_rel);
    }
}

cairn_thread_team *cairn_team_create(int threads, long spin_nanoseconds) {
    if (threads < 1) threads = 1;
    struct cairn_thread_team *team = calloc(1, sizeof *team);
    if (!team) return NULL;
    team->threads = threads;
    team->spin = spin_nanoseconds > 0 ? spin_nanoseconds : 0;
    pthread_mutex_init(&team->lock, NULL);
    pthread_cond_init(&team->wake, NULL);
    atomic_init(&team->generation, 0);
    atomic_init(&team->sleepers, 0);
    atomic_init(&team->remaining, 0);
    atomic_init(&team->stopping, 0);
    if (threads > 1) {
        team->workers = calloc((size_t)threads - 1, sizeof(pthread_t));
        if (!team->workers) {
            cairn_team_destroy(team);
            return NULL;
        }
    }
    return team;
}

/// Starts the workers, once. A worker the system refuses to start leaves its parts to the caller.
static void cairn_team_launch(struct cairn_thread_team *team) {
    team->launched = 1;
    for (int index = 1; index < team->threads; index++) {
        cairn_worker_start *start = malloc(sizeof *start);
        if (!start) break;
        start->team = team;
        start->index = index;
        if (pthread_create(&team->workers[index - 1], NULL, cairn_worker_main, start) != 0) {
            free(start);
            break;
        }
        team->started++;
    }
}

int cairn_team_threads(const cairn_thread_team *team) { return team->threads; }

int cairn_available_processors(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
#endif
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

/// Publishes a new generation and wakes any sleeping worker.
static void cairn_team_publish(struct cairn_thread_team *team) {
    atomic_fetch_add(&team->generation, 1);  // sequentially consistent: pairs with the sleepers count
    if (atomic_load(&team->sleepers) > 0) {
        pthread_mutex_lock(&team->lock);
        pthread_cond_broadcast(&team->wake);
        pthread_mutex_unlock(&team->lock);
    }
}

void cairn_team_run(cairn_thread_team *team, int parts, cairn_team_task task, void *context) {
    if (parts > team->threads) parts = team->threads;
    if (parts <= 1) {
        if (parts == 1) task(context, 0);
        return;
    }
    if (!team->launched) cairn_team_launch(team);
    if (team->started == 0) {
        for (long part = 0; part < parts; part++) task(context, part);
        return;
    }
    team->task = task;
    team->context = context;
    team->parts = parts;
    atomic_store_explicit(&team->remaining, team->started, memory_order_relaxed);
    cairn_team_publish(team);
    task(context, 0);
    // Parts of workers that could not be started run here, after the caller's own.
    for (long part = team->started + 1; part < parts; part++) task(context, part);
    // Wait for the workers; a worker may be off its core (a loaded machine, or more threads than
    // processors: then the team does not spin), so give the core away now and then.
    unsigned yield_mask = team->spin > 0 ? 1023 : 15;
    for (unsigned spin = 1; atomic_load_explicit(&team->remaining, memory_order_acquire) > 0; spin++) {
        CAIRN_PAUSE();
        if ((spin & yield_mask) == 0) sched_yield();
    }
}

void cairn_team_destroy(cairn_thread_team *team) {
    if (!team) return;
    atomic_store_explicit(&team->stopping, 1, memory_order_release);
    cairn_team_publish(team);
    for (int index = 0; index < team->started; index++) pthread_join(team->workers[index], NULL);
    free(team->workers);
    pthread_cond_destroy(&team->wake);
    pthread_mutex_destroy(&team->lock);
    free(team);
}
