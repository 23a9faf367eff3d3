#include "aerec/ranking_metrics.h"
