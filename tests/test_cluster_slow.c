/* The cluster tests at full size: 1,000 signatures at every threshold (registered in slow_tests). */
#define CLUSTER_SIGNATURES_2OF3 1000
#define CLUSTER_SIGNATURES_LARGE 1000
#include "test_cluster.c"
