#include "aerec/split.h"
