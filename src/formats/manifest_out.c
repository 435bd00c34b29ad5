/* The manifest of an output set (src/util/outset.h): which files a run
 * published together, with sizes and SHA-256 checksums, and what made them. */
#include "ketsim/formats.h"
#include "json_out.h"

int ketsim_manifest_write_json(FILE *fp, const ketsim_manifest *m, ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "schema", "ketsim-manifest/1", &bad);
    fj_set_str(root, "set", m->set, &bad);
    fj_set_str(root, "run_id", m->run_id, &bad);
    fj_set_str(root, "created_utc", m->created_utc, &bad);
    fj_set_str(root, "ketsim_version", m->version, &bad);
    json_t *cmd = fj_set_array(root, "command", &bad);
    for (int i = 0; i < m->argc; i++)
        fj_push(cmd, fj_str(m->argv[i]), &bad);
    json_t *seeds = fj_set_object(root, "seeds", &bad);
    for (size_t i = 0; i < m->n_seeds; i++)
        fj_set(seeds, m->seed_names[i], fj_uint(m->seeds[i]), &bad);
    json_t *inputs = fj_set_array(root, "inputs", &bad);
    for (size_t i = 0; i < m->n_inputs; i++)
        fj_push(inputs, fj_str(m->inputs[i]), &bad);
    json_t *files = fj_set_array(root, "files", &bad);
    for (size_t i = 0; i < m->n_files; i++) {
        json_t *f = fj_push_object(files, &bad);
        fj_set_str(f, "name", m->files[i].name, &bad);
        fj_set(f, "bytes", fj_uint(m->files[i].bytes), &bad);
        fj_set_str(f, "sha256", m->files[i].sha256, &bad);
    }
    return fj_dump(root, bad, fp, err);
}
