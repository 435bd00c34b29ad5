/* Private: the layout of subject records' rating blocks (subjects.c). */
#ifndef KETSIM_TRIAL_SUBJECTS_IMPL_H
#define KETSIM_TRIAL_SUBJECTS_IMPL_H

#include "ketsim/trial.h"

#include <stddef.h>

/* Bytes of one record's ratings block. */
size_t trial_subjects_stride(const ketsim_trial_scenario *sc, int with_reasons);
/* Point n records at blocks base, base + stride, ... (after their fixed
 * parts were received from another process, whose pointers mean nothing
 * here). */
void trial_subjects_rebind(const ketsim_trial_scenario *sc, ketsim_trial_subject_result *s, size_t n,
                           unsigned char *base, int with_reasons);

#endif
