/* Checking the version of a public options struct (jvs/types.h). */
#ifndef JVS_OPTS_H
#define JVS_OPTS_H

/* E_USAGE unless version is want: the struct was not made with its
 * JVS_..._OPTS_INIT, or by a program built against other headers. */
int jvs_opts_check(unsigned version, unsigned want, const char *type);

#endif
