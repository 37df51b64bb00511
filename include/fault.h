/*
 * Named crash points for the crash tests: with AGGREGATOR_CRASH=NAME:N in
 * the environment, the Nth pass through the point NAME kills the process
 * with SIGKILL, the way a power cut or the OOM killer would.
 */
#ifndef FAULT_H
#define FAULT_H

void	fault_point(const char *name);

#endif
