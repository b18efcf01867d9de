// The text of the holiday calendars in common/holidays/, compiled into the
// binary so that a server needs no data files at run time.
#ifndef TSFORECAST_COMMON_HOLIDAY_CALENDARS_DATA_H_
#define TSFORECAST_COMMON_HOLIDAY_CALENDARS_DATA_H_

#include "absl/types/span.h"

namespace tsforecast {

struct ShippedCalendarText {
  const char* name;  // the file name without ".txt"
  // Lines "YYYY-MM-DD reason"; '#' starts a comment line.
  const char* text;
};

absl::Span<const ShippedCalendarText> ShippedCalendarTexts();

}  // namespace tsforecast

#endif  // TSFORECAST_COMMON_HOLIDAY_CALENDARS_DATA_H_
