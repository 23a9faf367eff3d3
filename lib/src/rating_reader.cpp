#include "aerec/rating_reader.h"
