#include "aerec/data_files.h"
