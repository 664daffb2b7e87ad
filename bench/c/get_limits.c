/* The reference for bench/library.mjs: GET_LIMITS round trips on one generic netlink socket,
 * the least a C program can do (resolve the family once, then send + receive each time).
 * Prints the median round trip in microseconds over N requests.
 *   get_limits N        asks for an ACK: send, then receive the reply and the ACK (3 calls)
 *   get_limits N reply  asks for none, as ip does: the reply is the answer (send + receive) */
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int family_id(int fd) {
	struct { struct nlmsghdr n; struct genlmsghdr g; char attrs[64]; } req = {0};
	struct nlattr *na = (struct nlattr *)req.attrs;
	na->nla_type = CTRL_ATTR_FAMILY_NAME;
	na->nla_len = NLA_HDRLEN + sizeof("mptcp_pm");
	memcpy((char *)na + NLA_HDRLEN, "mptcp_pm", sizeof("mptcp_pm"));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(na->nla_len));
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0) return -1;
	int n = recv(fd, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	if (n < 0 || h->nlmsg_type == NLMSG_ERROR) return -1;
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	int left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (left >= NLA_HDRLEN) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID) return *(unsigned short *)((char *)a + NLA_HDRLEN);
		left -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -1;
}

int main(int argc, char **argv) {
	int count = argc > 1 ? atoi(argv[1]) : 10000;
	int ack = !(argc > 2 && strcmp(argv[2], "reply") == 0);
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) { perror("socket"); return 1; }
	int id = family_id(fd);
	if (id < 0) { fprintf(stderr, "no mptcp_pm family\n"); return 1; }
	double *us = malloc(sizeof(double) * count);
	struct { struct nlmsghdr n; struct genlmsghdr g; } req = {0};
	req.n.nlmsg_len = sizeof(req);
	req.n.nlmsg_type = id;
	req.n.nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
	req.g.cmd = 6; /* MPTCP_PM_CMD_GET_LIMITS */
	req.g.version = 1;
	for (int i = 0; i < count; i++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		req.n.nlmsg_seq = i + 1;
		if (send(fd, &req, sizeof(req), 0) < 0) { perror("send"); return 1; }
		/* the reply, then the ACK if one was asked for */
		for (int done = 0; !done;) {
			int n = recv(fd, buf, sizeof(buf), 0);
			if (n < 0) { perror("recv"); return 1; }
			for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
				if (h->nlmsg_type == NLMSG_ERROR || !ack) done = 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[i] = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
	}
	qsort(us, count, sizeof(double), cmp);
	printf("%.3f\n", us[count / 2]);
	return 0;
}
