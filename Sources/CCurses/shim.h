#ifndef CLADE_PAINT_CCURSES_SHIM_H
#define CLADE_PAINT_CCURSES_SHIM_H
// SwiftPM drops the -D flags of ncursesw.pc: define them here, before the header, or cchar_t,
// setcchar and wget_wch are missing. Every module including curses.h must see the same defines.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>

// Function-like macros and C globals do not import into Swift: one-line wrappers.
static inline WINDOW *cp_stdscr(void) { return stdscr; }
static inline int cp_lines(void) { return LINES; }
static inline int cp_cols(void) { return COLS; }
static inline int cp_colors(void) { return COLORS; }
static inline int cp_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cp_a_bold(void) { return A_BOLD; }
static inline attr_t cp_a_reverse(void) { return A_REVERSE; }
static inline attr_t cp_a_dim(void) { return A_DIM; }
static inline attr_t cp_a_normal(void) { return A_NORMAL; }
static inline attr_t cp_a_underline(void) { return A_UNDERLINE; }
static inline void cp_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
// newterm needs the standard streams, which Swift 6 rejects as shared mutable globals.
static inline FILE *cp_stdin(void) { return stdin; }
static inline FILE *cp_stdout(void) { return stdout; }
// Mouse event masks are built by function-like macros.
static inline mmask_t cp_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t cp_report_mouse_position(void) { return REPORT_MOUSE_POSITION; }
static inline mmask_t cp_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cp_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cp_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t cp_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cp_button5_pressed(void) { return BUTTON5_PRESSED; }
#endif
