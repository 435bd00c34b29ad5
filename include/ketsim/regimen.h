/* Dosing: routes, doses and regimens, and the text forms users type.
 *
 * A dose is piecewise constant in time: a bolus (duration 0) or a zero-order
 * input over [time, time + duration].  Routes other than IV put the dose into
 * an absorption depot; each route's bioavailability, absorption rate and lag
 * are parameters (route.ROUTE.*). */
#ifndef KETSIM_REGIMEN_H
#define KETSIM_REGIMEN_H

#include <stddef.h>
#include "ketsim/error.h"
#include "ketsim/units.h"

typedef enum ketsim_route {
    KETSIM_ROUTE_IV = 0, /* intravenous: bolus or infusion into plasma */
    KETSIM_ROUTE_IN,     /* intranasal: nasal absorption plus a swallowed part */
    KETSIM_ROUTE_PO,     /* oral: first-pass metabolism */
    KETSIM_ROUTE_IM,     /* intramuscular */
    KETSIM_ROUTE_SC,     /* subcutaneous */
    KETSIM_ROUTE_IP,     /* intraperitoneal (rodents): partial first pass */
    KETSIM_ROUTE_ICV,    /* intracerebroventricular: straight into the brain */
    KETSIM_N_ROUTES
} ketsim_route;

const char *ketsim_route_name(ketsim_route r);
/* NONMEM-style compartment numbers of the routes (docs/dataset.md):
 * 1 iv, 2 po, 3 in, 4 im, 5 sc, 6 ip, 7 icv. */
int ketsim_route_cmt(ketsim_route r);
/* The route of a compartment number; -1 if none. */
int ketsim_route_from_cmt(long cmt, ketsim_route *out);
int ketsim_route_parse(const char *s, ketsim_route *out, ketsim_error *err);

typedef struct ketsim_dose {
    char drug[48];      /* drug name; "" = the simulation's main drug */
    ketsim_route route;
    double amount;      /* mg, or mg/kg when per_kg */
    int per_kg;
    double duration_h;  /* 0 = bolus / instantaneous */
    double time_h;      /* start time */
} ketsim_dose;

/* Parse [DRUG/]ROUTE:AMOUNT[:DURATION][@TIME], e.g. iv:0.5mg/kg:40min,
 * ip:10mg/kg@2h, nbqx/ip:10mg/kg (the prefix names another drug).
 * Amounts take mg or mg/kg (also ug, g); durations and times s, min, h, d. */
int ketsim_dose_parse(const char *spec, ketsim_dose *out, ketsim_error *err);


typedef struct ketsim_regimen ketsim_regimen;

int ketsim_regimen_create(ketsim_regimen **out, ketsim_error *err);
void ketsim_regimen_free(ketsim_regimen *r);
int ketsim_regimen_add(ketsim_regimen *r, const ketsim_dose *d, ketsim_error *err);
size_t ketsim_regimen_count(const ketsim_regimen *r);
const ketsim_dose *ketsim_regimen_dose(const ketsim_regimen *r, size_t i);
/* Empty the regimen (doses and resets), keeping its storage. */
void ketsim_regimen_clear(ketsim_regimen *r);

/* A reset (NONMEM EVID 3): at time_h the subject returns to the untreated
 * steady state; doses before it stop acting.  Resets are kept in time order. */
int ketsim_regimen_add_reset(ketsim_regimen *r, double time_h, ketsim_error *err);
size_t ketsim_regimen_n_resets(const ketsim_regimen *r);
double ketsim_regimen_reset_time(const ketsim_regimen *r, size_t i);

#endif
