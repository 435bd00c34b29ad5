#include "cli.h"
#include <stdio.h>
void help_validate(void) { puts("usage: ketsim validate [--json] [--targets FILE]"); }
int cmd_validate(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "ketsim validate: in progress\n"); return 1; }
void help_main_job(void) { puts("usage: ketsim [run]"); }
int cmd_main_job(int argc, char **argv) { (void)argc; (void)argv; return 1; }
