#include "cli.h"
void help_sensitivity(void) {}
int cmd_sensitivity(int argc, char **argv) { (void)argc; (void)argv; return 1; }
