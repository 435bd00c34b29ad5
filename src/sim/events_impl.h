/* Private layout of an event table, shared by events.c (storage, checks)
 * and events_sim.c (simulation). */
#ifndef KETSIM_EVENTS_IMPL_H
#define KETSIM_EVENTS_IMPL_H

#include <stdint.h>
#include "ketsim/events.h"

typedef struct events_subject {
    size_t first, n;        /* records [first, first + n) */
} events_subject;

struct ketsim_events {
    char *name;
    ketsim_event *rec;
    size_t n_rec, cap_rec;
    events_subject *subj;
    size_t n_subj, cap_subj;
    char *cov_name[KETSIM_EVENTS_MAX_COV];
    size_t n_cov;
    char (*extra_output)[96];   /* per-compound output names observations use */
    size_t n_extra_output, cap_extra_output;
    /* IDs of the subjects so far (hash set), to refuse an ID that comes back */
    uint64_t *seen;
    unsigned char *seen_used;
    size_t n_seen, cap_seen;
};

#endif
