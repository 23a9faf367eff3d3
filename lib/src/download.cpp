#include "aerec/download.h"
