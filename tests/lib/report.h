/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Test results: one line per case, then "N passed, N failed" (what tests/run.sh reads). */
#ifndef TEST_REPORT_H
#define TEST_REPORT_H

#include <stdbool.h>

/* Records a case; prints "ok - NAME" or "FAIL - NAME", and on a failure what the
 * clauses below saw (": WHY"). Returns ok. */
bool report(bool ok, const char *name_fmt, ...) __attribute__((format(printf, 2, 3)));

/* Says why a case (or the whole test) cannot run here: "skip - WHY". Counts as
 * neither passed nor failed. */
void report_skip(const char *why_fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the summary line; returns the process exit status (0 when nothing failed). */
int report_summary(void);

/*
 * Clauses of a case, joined with && in its report(): each returns whether it holds
 * and, when it does not, keeps what it saw for that report's FAIL line. The first
 * clause that fails says why; those after it are not evaluated, as with plain &&.
 *     report(check_eq(parse(line, &cl), 0) && check_str(cl.argv[0], "eth0"), "parse");
 * fails as "FAIL - parse: cl.argv[0]: got "eth1", want "eth0"". Each operand is
 * evaluated once, and compared in its own type.
 */
/* GOT == WANT, integers or floating point: "GOT: got 2, want 1". Both are compared
 * and shown in their common type, as == compares them. */
#define check_eq(got, want) ({						\
	__typeof__((got) + (want)) check_got_ = (got), check_want_ = (want);	\
	check_values_(check_got_ == check_want_, #got, NULL,		\
		      CHECK_VALUE_(check_got_), CHECK_VALUE_(check_want_)); })
/* A OP B for any comparison operator: "A <= B is false: 4 <= 3". */
#define check_op(a, op, b) ({						\
	__typeof__((a) + (b)) check_a_ = (a), check_b_ = (b);		\
	check_values_(check_a_ op check_b_, #a " " #op " " #b, #op,	\
		      CHECK_VALUE_(check_a_), CHECK_VALUE_(check_b_)); })
/* Equal strings (either may be NULL, which equals only NULL). */
#define check_str(got, want) check_str_(#got, (got), (want))
/* TEXT contains PART (a NULL TEXT contains nothing). */
#define check_has(text, part) check_has_(#text, (text), (part))
/* COND is true (non-zero, non-NULL): "COND is false". */
#define check_true(cond) check_that((cond), "%s is false", #cond)
/* Anything else: OK, and what to say when it is false (with the values that matter). */
bool check_that(bool ok, const char *why_fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the macros above are made of. */
struct check_value {
	enum { CHECK_SIGNED, CHECK_UNSIGNED, CHECK_FLOAT } kind;
	union {
		long long i;
		unsigned long long u;
		double d;
	};
};
struct check_value check_signed_(long long v);
struct check_value check_unsigned_(unsigned long long v);
struct check_value check_float_(double v);
#define CHECK_VALUE_(x) _Generic((x) + 0,				\
	float: check_float_, double: check_float_, long double: check_float_, \
	unsigned: check_unsigned_, unsigned long: check_unsigned_,	\
	unsigned long long: check_unsigned_,				\
	default: check_signed_)(x)
bool check_values_(bool ok, const char *what, const char *op, struct check_value a,
		   struct check_value b);
bool check_str_(const char *what, const char *got, const char *want);
bool check_has_(const char *what, const char *text, const char *part);

#endif
