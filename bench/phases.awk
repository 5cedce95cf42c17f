# bench/phases.awk: sort one `strace -f -ttt -T -y` trace of a minidocker
# run into phases.  Input: the trace (strace -yy: a socket's
# descriptor shows its kind); -v root=STATE_ROOT.  Output, one
# line a phase, tab-separated: phase, system calls, ms inside them (the
# sum of strace's -T).  Phases whose name starts with "~" overlap the
# others (waiting) and are not in the total; "=" lines are wall-clock
# spans of the traced run, in ms.  bench/phases takes the medians.

function dur(s) { return match(s, /<[0-9]+\.[0-9]+>$/) ? substr(s, RSTART + 1, RLENGTH - 2) * 1000 : 0 }

function add(phase, ms, gap) { if (!(phase in n)) order[++np] = phase; n[phase]++; t[phase] += ms; g[phase] += gap }

function classify(name, a,   c) {
	if (name == "wait4" || name == "waitid")
		return "~waiting for a child (overlaps the rest)"
	if (a ~ /NETLINK/ || name == "socket" && a ~ /AF_NETLINK/)
		return "network: netlink (lo up; links, addresses, routes, nftables)"
	if (name ~ /^(read|recvmsg|recvfrom|poll|ppoll|pselect6|select|epoll_wait|epoll_pwait)$/ && a ~ /(pipe|socket|UNIX[A-Z-]*):\[/)
		return "~waiting on a pipe or socket (overlaps the rest)"
	if (name == "execve" || name == "execveat")
		return a ~ /^execve\("\/bin\/true"/ ? "exec of the command (/bin/true)" : "exec of the runtime (main, then the re-exec for init)"
	if (a ~ /memfd:minidocker|"\/proc\/self\/exe"/ || name == "sendfile")
		return "copy of the runtime into a sealed memfd, for the re-exec"
	if (a ~ /\.so[.0-9]*[>"]|ld\.so\.(cache|preload)/ || name ~ /^(mmap|mprotect|munmap|brk|arch_prctl|set_tid_address|set_robust_list|rseq)$/)
		return "dynamic loader, libraries, memory"
	if (name ~ /^(clone|clone3|fork|vfork|unshare|setns)$/)
		return a ~ /CLONE_NEW/ ? "clone of the namespaces (the network namespace's price is in it)" : "fork (monitor, helpers)"
	if (a ~ /\/(uid_map|gid_map|setgroups)[>"]|\/etc\/sub[ug]id/ || name ~ /^(setresuid|setresgid|setgroups|setuid|setgid)$/)
		return "id maps, user and group ids"
	if (match(a, /\/sys\/fs\/cgroup\/[^\/">]+/)) {
		c = substr(a, RSTART + 15, RLENGTH - 15)
		return "cgroup " c (name == "rmdir" ? ": remove" : ": create, limits, join")
	}
	if (name ~ /^(fsync|fdatasync|syncfs|sync_file_range)$/)
		return a ~ /\/networks\// ? "fsync of network files" : "fsync of state files"
	if (name ~ /^(fsopen|fsconfig|fsmount|open_tree|mount_setattr|move_mount)$/ || (name == "mount" && a ~ /"overlay"/))
		return "overlay mount, idmapped layers"
	if (name ~ /^(pivot_root|chroot|umount2|umount)$/ || (name == "mount" && a ~ /^mount\(NULL, "(\/|\.)",/))
		return "pivot_root, old root, propagation"
	if (name == "mount" && a ~ /\/(hosts|hostname|resolv\.conf)", "/)
		return "/etc/hosts, hostname, resolv.conf binds"
	if (name == "mount" && (a ~ /rootfs\/(proc|sys)\/[^"]+"/ || a ~ /MS_REMOUNT/))
		return "masked and read-only paths"
	if (name == "mount" || name == "mknod" || name == "mknodat" || a ~ /rootfs\/dev\//)
		return "/proc, /sys, /dev mounts"
	if (name == "seccomp" || a ~ /PR_SET_NO_NEW_PRIVS|memfd:seccomp/)
		return "seccomp filter"
	if (name ~ /^cap[gs]et$/ || a ~ /PR_CAPBSET|PR_CAP_AMBIENT|PR_SET_KEEPCAPS|PR_SET_SECUREBITS/)
		return "capabilities"
	if (index(a, root "/containers"))
		return "state and log files, container folder (no fsync)"
	if (index(a, root "/networks"))
		return "network files, lock"
	if (index(a, root "/images") || index(a, root "/layers"))
		return "image lookup"
	if (a ~ /SIOC[GS]IF/ || name == "socket")
		return "network: netlink (lo up; links, addresses, routes, nftables)"
	return "other (signals, pipes, stat, /proc reads)"
}

function account(pid, ts, a,   name) {
	name = a
	sub(/\(.*/, "", name)
	if (name == "execve" && a ~ /^execve\("\/bin\/true"/) { cmdpid = pid; t_exec = ts }
	if (name == "exit_group" && pid == cmdpid && !t_exit) t_exit = ts
	d = dur(a)
	ph = classify(name, a)
	gap = (pid in end) ? (ts - end[pid]) * 1000 : 0
	end[pid] = ts + d / 1000
	if (gap < 0) gap = 0
	if (ph ~ /^~/) { add("other (signals, pipes, stat, /proc reads)", 0, gap); n["other (signals, pipes, stat, /proc reads)"]--; gap = 0 }
	add(ph, d, gap)
	if (t_exit && ts > t_exit && pid != cmdpid && ph !~ /^~/) { tn++; tt += d; tg += gap }
}

{
	pid = $1; ts = $2
	if (!t_first) t_first = ts
	t_last = ts
	a = $0
	sub(/^[0-9]+ +[0-9.]+ +/, "", a)
	if (pid == cmdpid && a ~ /^\+\+\+ (exited|killed)/ && !t_gone) t_gone = ts
	if (a ~ /^(\+\+\+|---) /) next
	if (a ~ /<unfinished \.\.\.>$/) { sub(/ *<unfinished \.\.\.>$/, "", a); pend[pid] = a; pts[pid] = ts; next }
	if (a ~ /^<\.\.\. [a-z0-9_]+ resumed>/) {
		sub(/^<\.\.\. [a-z0-9_]+ resumed> */, "", a)
		a = pend[pid] a
		ts = pts[pid]
		delete pend[pid]
	}
	account(pid, ts, a)
}

END {
	for (i = 1; i <= np; i++) printf "%s\t%d\t%.3f\t%.3f\n", order[i], n[order[i]], t[order[i]], g[order[i]]
	printf "~after the command's exit (teardown): the runtime's calls\t%d\t%.3f\t%.3f\n", tn, tt, tg
	printf "=wall, traced: start to the exec of the command\t0\t%.3f\t0\n", (t_exec - t_first) * 1000
	printf "=wall, traced: the command, exec to exit\t0\t%.3f\t0\n", (t_exit - t_exec) * 1000
	printf "=wall, traced: the command's exit_group to its end (the kernel takes down its namespaces and mounts)\t0\t%.3f\t0\n", (t_gone - t_exit) * 1000
	printf "=wall, traced: the command's exit to the runtime's (teardown, the above included)\t0\t%.3f\t0\n", (t_last - t_exit) * 1000
}
