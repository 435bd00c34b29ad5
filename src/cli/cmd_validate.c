#include "cli.h"
#include <stdio.h>
void help_validate(void) { puts("usage: ketsim validate [--json] [--targets FILE]"); }
int cmd_validate(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "ketsim validate: in progress\n"); return 1; }
