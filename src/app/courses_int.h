/* courses_int.h — private to courses.c and training_sessions.c: the course
 * read inside the caller's transaction.  Other modules use courses.h. */
#ifndef OD_APP_COURSES_INT_H
#define OD_APP_COURSES_INT_H

#include "app/courses.h"

/* *out = the course id (its API view, new reference); OD_E_NOT_FOUND
 * when there is none. */
OD_NODISCARD od_err od_course_load(od_tx *tx, int64_t id, json_t **out, od_error *e);

#endif
