package org

import "time"

type timeNow func() time.Time

// nowFunc is the clock for date checks; tests may replace it.
var nowFunc timeNow = time.Now
