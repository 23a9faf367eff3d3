#include "aerec/train/collective.h"

namespace aerec {

collective& one_process() {
  static single_process alone;
  return alone;
}

}  // namespace aerec
