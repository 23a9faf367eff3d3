#include "aerec/data_stats.h"
