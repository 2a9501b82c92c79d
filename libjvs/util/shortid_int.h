/* Short ids inside libjvs (SPEC §3). */
#ifndef JVS_SHORTID_INT_H
#define JVS_SHORTID_INT_H

/* The 8 random hex digits of id are all decimal digits. */
int jvs_id_random_all_decimal(const char *id);

#endif
