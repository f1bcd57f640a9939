#ifndef CSPAWN_H
#define CSPAWN_H
#include <spawn.h>

/// glibc's posix_spawn_file_actions_addchdir_np (2.29+), which Swift's Glibc module hides
/// behind _GNU_SOURCE: the child starts in `path`.
int cspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// pipe2(fds, O_CLOEXEC): both ends closed on exec, atomically (no other thread's child
/// inherits them).
int cspawn_pipe_cloexec(int fds[2]);

/// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+): the child closes every
/// descriptor from `from` up, so it inherits nothing this process opened without O_CLOEXEC.
int cspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
