#include "aerec/movies.h"
