#include "blockops.h"

#include <math.h>

#define NONE ((size_t)-1)

/* Tarjan's strongly connected components, iterative (no recursion depth to
 * worry about).  A component is emitted once everything it reaches has
 * been: that is the forward-substitution order. */
size_t block_find(size_t n, const size_t *adj_start, const size_t *adj, block_scratch *w, size_t *start,
                  size_t *order)
{
    size_t counter = 0, sp = 0, emitted = 0, n_blocks = 0;
    for (size_t v = 0; v < n; v++) {
        w->index[v] = NONE;
        w->on_stack[v] = 0;
    }
    for (size_t root = 0; root < n; root++) {
        if (w->index[root] != NONE)
            continue;
        size_t depth = 0;
        w->call[depth] = root;
        w->next[root] = adj_start[root];
        w->index[root] = w->low[root] = counter++;
        w->stack[sp++] = root;
        w->on_stack[root] = 1;
        while (1) {
            size_t v = w->call[depth];
            if (w->next[v] < adj_start[v + 1]) {
                size_t u = adj[w->next[v]++];
                if (w->index[u] == NONE) {
                    w->index[u] = w->low[u] = counter++;
                    w->stack[sp++] = u;
                    w->on_stack[u] = 1;
                    w->next[u] = adj_start[u];
                    w->call[++depth] = u;
                } else if (w->on_stack[u] && w->index[u] < w->low[v]) {
                    w->low[v] = w->index[u];
                }
                continue;
            }
            if (w->low[v] == w->index[v]) {
                start[n_blocks++] = emitted;
                size_t first = emitted, x;
                do {
                    x = w->stack[--sp];
                    w->on_stack[x] = 0;
                    order[emitted++] = x;
                } while (x != v);
                /* natural order inside a block: deterministic, and the same
                 * pivoting sequence as a plain dense factorisation */
                for (size_t k = first + 1; k < emitted; k++)
                    for (size_t m = k; m > first && order[m - 1] > order[m]; m--) {
                        size_t t = order[m];
                        order[m] = order[m - 1];
                        order[m - 1] = t;
                    }
            }
            if (depth == 0)
                break;
            size_t parent = w->call[--depth];
            if (w->low[v] < w->low[parent])
                w->low[parent] = w->low[v];
        }
    }
    start[n_blocks] = n;
    return n_blocks;
}

int block_factor(double *a, size_t *piv, size_t k)
{
    for (size_t c = 0; c < k; c++) {
        size_t p = c;
        double best = fabs(a[c * k + c]);
        for (size_t r = c + 1; r < k; r++)
            if (fabs(a[r * k + c]) > best) {
                best = fabs(a[r * k + c]);
                p = r;
            }
        piv[c] = p;
        if (best == 0.0)
            return (int)c + 1;
        if (p != c)
            for (size_t j = 0; j < k; j++) {
                double t = a[c * k + j];
                a[c * k + j] = a[p * k + j];
                a[p * k + j] = t;
            }
        double inv = 1.0 / a[c * k + c];
        for (size_t r = c + 1; r < k; r++) {
            double f = a[r * k + c] *= inv;
            if (f != 0.0)
                for (size_t j = c + 1; j < k; j++)
                    a[r * k + j] -= f * a[c * k + j];
        }
    }
    return 0;
}

void block_solve(const double *a, const size_t *piv, size_t k, double *z)
{
    if (k == 1) { /* most blocks of a compartment model: one state */
        z[0] = z[0] / a[0];
        return;
    }
    /* the factorisation swapped whole rows (multipliers included), so all
     * interchanges come before the forward substitution */
    for (size_t c = 0; c < k; c++)
        if (piv[c] != c) {
            double t = z[c];
            z[c] = z[piv[c]];
            z[piv[c]] = t;
        }
    for (size_t c = 0; c < k; c++)
        for (size_t q = c + 1; q < k; q++)
            z[q] -= a[q * k + c] * z[c];
    for (size_t c = k; c-- > 0;) {
        double v = z[c];
        for (size_t j = c + 1; j < k; j++)
            v -= a[c * k + j] * z[j];
        z[c] = v / a[c * k + c];
    }
}
