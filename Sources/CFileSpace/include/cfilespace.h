#ifndef CFILESPACE_H
#define CFILESPACE_H
#include <sys/types.h>

/// fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length), which Swift's
/// Glibc module hides behind _GNU_SOURCE: the file keeps its size, the range reads as zeros
/// and its disk blocks are freed. 0 on success, -1 with errno (EOPNOTSUPP where the file
/// system cannot).
int cfilespace_punch_hole(int fd, off_t offset, off_t length);

#endif
