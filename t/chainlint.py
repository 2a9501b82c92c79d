#!/usr/bin/env python3
"""chainlint: find test bodies whose status does not depend on every command.

    python3 t/chainlint.py t/t*.sh

A test here is `test_expect_success [PREREQ] 'desc' 'body'` (or
test_expect_failure): the body is a string that test-lib.sh evals, and the
test passes when the body's last status is 0. So every command of a body must
be chained with `&&` to the next one, or a failure is lost. This reads each
body the way the shell would split it into commands and reports:

  - a broken chain: a command that ends its line (or is cut off by `;`) with
    more commands of the same block after it. Lines may end in `&&`, `||`,
    `|`, `&`, `\\`, an opening `{`, `(`, `then`, `do`, `else`, `in` or a case
    pattern's `)`; the last command of a block (before `}`, `)`, `fi`,
    `done`, `esac`, `;;`, `then`, `do`, `else`, `elif`) ends freely, and
    `;` may come before `return`, `exit` or `false` (a failure path);
  - `|| true` or `|| :` inside a longer chain (`a && b || true && c`), which
    makes the whole chain before it always succeed;
  - a loop whose body can fail and go on to the next round: its status is
    only that of the last round, so the body ends with `|| return 1` (or
    `|| exit 1` in a subshell; test-lib runs bodies in a function). A body
    that only sleeps, counts or prints, that ends in a compound command, a
    lone counter step, the sleep of a poll, or `cond || echo what >>file`
    (failures collected and checked after the loop) is fine.

Every body also goes through `sh -n`, so one that cannot even be parsed
(`&&` before `;;`) is reported too.

Command substitutions, here-documents and nested strings (the argument of
test_when_finished) are not looked into. Exit status 1 when anything was
found, one line per finding: FILE:LINE: what: the line.
"""

import re
import subprocess
import sys

RESERVED_OPEN = {"if", "while", "until", "then", "do", "else", "elif", "!", "{"}
# what may follow a command that ends without `&&`
CLOSERS = {"}", ")", "fi", "done", "esac", ";;", "then", "do", "else", "elif"}
FAILURE_PATH = {"return", "exit", "false"}


class Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind = kind  # "word", "op", "nl"
        self.text = text  # for words: the source text
        self.line = line

    def __repr__(self):
        return "%s(%r)@%d" % (self.kind, self.text, self.line)


class Lexer:
    """Splits shell source into words, operators and newlines (with lines).

    Words keep their source text; value() gives a word with its quotes
    removed (enough to recover a test body)."""

    OPS = ("&&", "||", ";;", "<<-", "<<", ">>", ">&", "<&", ">|", "|", "&", ";", "(", ")",
           "<", ">")

    def __init__(self, src, first_line=1):
        self.s = src
        self.i = 0
        self.line = first_line
        self.toks = []
        self.heredocs = []  # (delimiter, strip_tabs) waiting for a newline

    def error(self, what):
        raise SyntaxError("line %d: %s" % (self.line, what))

    def run(self):
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t":
                self.i += 1
            elif c == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
                self.line += 1
            elif c == "\n":
                self.toks.append(Tok("nl", "\n", self.line))
                self.i += 1
                self.line += 1
                if self.heredocs:
                    self.read_heredocs()
            elif c == "#":
                while self.i < len(s) and s[self.i] != "\n":
                    self.i += 1
            else:
                op = next((o for o in self.OPS if s.startswith(o, self.i)), None)
                if op:
                    self.toks.append(Tok("op", op, self.line))
                    self.i += len(op)
                    if op in ("<<", "<<-"):
                        self.heredoc_start(op == "<<-")
                else:
                    self.word()
        return self.toks

    def heredoc_start(self, strip):
        s = self.s
        while self.i < len(s) and s[self.i] in " \t":
            self.i += 1
        start = len(self.toks)
        self.word()
        if len(self.toks) == start:
            self.error("here-document without a delimiter")
        delim = unquote(self.toks[-1].text)
        self.heredocs.append((delim, strip))

    def read_heredocs(self):
        s = self.s
        for delim, strip in self.heredocs:
            while True:
                if self.i >= len(s):
                    self.error("here-document '%s' never ends" % delim)
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                text = s[self.i:end]
                self.i = end + 1
                self.line += 1
                if (text.lstrip("\t") if strip else text) == delim:
                    break
        self.heredocs = []

    def word(self):
        s = self.s
        start, line = self.i, self.line
        while self.i < len(s):
            c = s[self.i]
            if c in " \t\n;&|()<>":
                if c in "<>" and self.i > start and s[start:self.i].isdigit():
                    break  # 2>file: the fd number is part of the redirection
                break
            if c == "\\":
                self.i += 2
                if s[self.i - 1:self.i] == "\n":
                    self.line += 1
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "`":
                self.skip_backquote()
            elif c == "$" and s.startswith("$(", self.i):
                self.skip_dollar_paren()
            elif c == "$" and s.startswith("${", self.i):
                self.skip_braces()
            else:
                self.i += 1
        if self.i > start:
            self.toks.append(Tok("word", s[start:self.i], line))
        elif self.i < len(s):  # a lone metacharacter the operators missed
            self.toks.append(Tok("op", s[self.i], line))
            self.i += 1

    def advance_to(self, j):
        self.line += self.s.count("\n", self.i, j)
        self.i = j

    def skip_single(self):
        j = self.s.find("'", self.i + 1)
        if j < 0:
            self.error("unterminated '")
        self.advance_to(j + 1)

    def skip_double(self):
        s = self.s
        self.i += 1
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                if s[self.i + 1:self.i + 2] == "\n":
                    self.line += 1
                self.i += 2
            elif c == '"':
                self.i += 1
                return
            elif c == "`":
                self.skip_backquote()
            elif c == "$" and s.startswith("$(", self.i):
                self.skip_dollar_paren()
            elif c == "$" and s.startswith("${", self.i):
                self.skip_braces()
            else:
                if c == "\n":
                    self.line += 1
                self.i += 1
        self.error('unterminated "')

    def skip_backquote(self):
        s = self.s
        self.i += 1
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                self.i += 2
            elif c == "`":
                self.i += 1
                return
            else:
                if c == "\n":
                    self.line += 1
                self.i += 1
        self.error("unterminated `")

    def skip_braces(self):
        s = self.s
        self.i += 2
        depth = 1
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                self.i += 2
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "{":
                depth += 1
                self.i += 1
            elif c == "}":
                depth -= 1
                self.i += 1
                if depth == 0:
                    return
            else:
                if c == "\n":
                    self.line += 1
                self.i += 1
        self.error("unterminated ${")

    def skip_dollar_paren(self):
        """$( ... ) and $(( ... )): to the matching parenthesis."""
        s = self.s
        self.i += 2
        depth = 1
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                self.i += 2
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "`":
                self.skip_backquote()
            elif c == "#" and s[self.i - 1] in " \t\n":
                while self.i < len(s) and s[self.i] != "\n":
                    self.i += 1
            elif c == "(":
                depth += 1
                self.i += 1
            elif c == ")":
                depth -= 1
                self.i += 1
                if depth == 0:
                    return
            else:
                if c == "\n":
                    self.line += 1
                self.i += 1
        self.error("unterminated $(")


def unquote(text):
    """The value of a word: quotes removed, backslashes resolved."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "'":
            j = text.index("'", i + 1)
            out.append(text[i + 1:j])
            i = j + 1
        elif c == '"':
            i += 1
            while text[i] != '"':
                if text[i] == "\\" and text[i + 1] in '"\\$`\n':
                    if text[i + 1] != "\n":
                        out.append(text[i + 1])
                    i += 2
                elif text[i] == "$" and text.startswith("$(", i):
                    j = matching_paren(text, i + 1)
                    out.append(text[i:j + 1])
                    i = j + 1
                else:
                    out.append(text[i])
                    i += 1
            i += 1
        elif c == "\\":
            if text[i + 1:i + 2] != "\n":
                out.append(text[i + 1:i + 2])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def matching_paren(text, i):
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(text) - 1


def test_bodies(src):
    """(line of the body's first character, body) of every test in src."""
    toks = Lexer(src).run()
    cmd_pos = True
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "word" and cmd_pos and t.text in ("test_expect_success",
                                                        "test_expect_failure"):
            args = []
            j = i + 1
            while j < len(toks) and toks[j].kind == "word":
                args.append(toks[j])
                j += 1
            if len(args) in (2, 3):
                body = args[-1]
                yield body.line, unquote(body.text)
            i = j
            cmd_pos = False
            continue
        if t.kind == "word":
            cmd_pos = t.text in RESERVED_OPEN or t.text in ("}", "fi", "done")
        else:
            cmd_pos = t.text in ("\n", ";", "&&", "||", "|", "&", "(", ";;", ")")
        i += 1


FLOW = {"return", "exit", "break", "continue"}
# commands a loop may repeat without `|| return 1`: nothing to lose
TRIVIAL = {"sleep", ":", "true", "echo", "printf"}
COMPOUND = {"if", "while", "until", "for", "case", "{", "("}


class Elem:
    """One command of an and-or list: its first word, where it is, and
    what the rules need to know about it."""

    def __init__(self, word, line):
        self.word = word
        self.line = line
        self.assign_only = False  # only assignments, no command substitution
        self.flow = word in FLOW  # leaves the block: its status is no one's


class Block:
    """A nesting level of a body: the top, ( ), { }, if, loops, case."""

    def __init__(self, kind, handler=False):
        self.kind = kind          # "top", "(", "{", "if", "loop", "case"
        self.handler = handler    # a { } after ||: it reports a failure
        self.chain = []           # the and-or list being read: Elem, op, Elem, ...
        self.open = False         # the last Elem is still taking words
        self.last_flow = False    # the last list ended in return/exit/...
        self.case_state = None    # for case: "subject", "pattern", "body"
        self.in_body = False      # for loops: past `do`
        self.trivial = True       # for loops: the body only waits, counts or prints
        self.last_ok = True       # for loops: the body's last list may go on

    def add(self, elem):
        self.chain.append(elem)
        self.open = True
        if self.in_body and elem.word not in TRIVIAL and not elem.assign_only:
            self.trivial = False
        return elem


def is_assignment(w):
    return re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w) is not None


def lint_body(body, first_line, report):
    toks = Lexer(body, first_line).run()
    succ = [None] * len(toks)  # the next token that is not a newline
    nxt = None
    for idx in range(len(toks) - 1, -1, -1):
        succ[idx] = nxt
        if toks[idx].kind != "nl":
            nxt = toks[idx]

    stack = [Block("top")]
    cmd_pos = True
    cont = True          # the last token lets the command go on past a newline
    prev = None          # the last significant token
    for_header = False   # between `for` and its `do`: words, not commands

    def chain_excused(blk):
        """The list that ends here needs no && after it."""
        c = blk.chain
        if blk.handler:
            return True
        if not c:
            return True
        last = c[-1]
        if isinstance(last, Elem) and last.flow:
            return True
        return len(c) == 1 and isinstance(last, Elem) and last.assign_only

    def end_chain(blk):
        c = blk.chain
        if c and not isinstance(c[-1], Elem):
            report(last_line[0], "'%s' with no command after it" % c[-1])
            c.pop()
        if len(c) >= 5:  # at least three commands
            for n in range(2, len(c), 2):
                if c[n - 1] == "||" and c[n].word in ("true", ":"):
                    report(c[n].line, "'|| %s' makes the chain always succeed" % c[n].word)
        if c:
            last = c[-1]
            blk.last_flow = last.flow
            # a loop may end its body with this and go on: it leaves, it is
            # a compound command (linted inside), or it records the failure
            # (cond || echo "what" >>failures, checked after the loop)
            # or it cannot fail (a lone counter step, or the sleep of a poll)
            blk.last_ok = last.flow or last.word in COMPOUND or (
                len(c) >= 3 and c[-2] == "||" and last.word in ("echo", "printf")) or (
                len(c) == 1 and (last.assign_only or last.word == "sleep"))
        blk.chain = []
        blk.open = False

    def captures_status(idx):
        """The command after token idx reads $? (it keeps the status)."""
        for t in toks[idx + 1:]:
            if t.kind == "nl" and t is toks[idx + 1]:
                continue
            if t.kind != "word":
                return False
            if "$?" in t.text:
                return True
        return False

    def next_is_closer(idx):
        n = succ[idx]
        return n is None or n.text in CLOSERS

    last_line = [first_line]
    for idx, t in enumerate(toks):
        blk = stack[-1]
        last_line[0] = t.line
        if blk.kind == "case" and blk.case_state in ("subject", "pattern"):
            if t.kind == "nl":
                continue
            if blk.case_state == "subject":
                if t.kind == "word" and t.text == "in":
                    blk.case_state = "pattern"
                continue
            # a pattern: words and | up to ")" (an opening "(" is allowed)
            if t.kind == "word" and t.text == "esac":
                stack.pop()
                cmd_pos, cont, prev = False, False, t
                continue
            if t.kind == "op" and t.text == ")":
                blk.case_state = "body"
                cmd_pos, cont, prev = True, True, t
            continue

        if t.kind == "nl":
            if for_header:
                for_header = False
                cmd_pos, cont = True, True
                continue
            if not cont:
                if not (next_is_closer(idx) or chain_excused(blk) or captures_status(idx)):
                    report(prev.line, "broken && chain (the next line goes on)")
                end_chain(blk)
            cmd_pos, cont = True, True
            continue

        if t.kind == "op":
            op = t.text
            if op in ("&&", "||", "|"):
                if op != "|":
                    blk.chain.append(op)
                blk.open = False
                cmd_pos, cont = True, True
            elif op == ";":
                n = succ[idx]
                if for_header:
                    for_header = False
                elif not (n is None or n.text in CLOSERS or n.text in FLOW or
                          n.text == "false" or chain_excused(blk) or captures_status(idx)):
                    report(t.line, "';' drops the status of the command before it")
                end_chain(blk)
                cmd_pos, cont = True, True
            elif op == "&":
                end_chain(blk)
                cmd_pos, cont = True, True
            elif op == ";;":
                end_chain(blk)
                if blk.kind == "case":
                    blk.case_state = "pattern"
                cmd_pos, cont = True, True
            elif op == "(":
                if cmd_pos:
                    blk.add(Elem("(", t.line))
                    blk.open = False
                    stack.append(Block("("))
                    cmd_pos, cont = True, True
                elif succ[idx] is not None and succ[idx].text == ")":
                    pass  # name () { ...: a function definition
                else:
                    cmd_pos, cont = False, False
            elif op == ")":
                if blk.kind == "(":
                    end_chain(blk)
                    stack.pop()
                    cmd_pos, cont = False, False
                elif prev is not None and prev.text == "(":
                    cmd_pos, cont = True, True  # the () of a function definition
                else:
                    cmd_pos, cont = False, False
            else:  # redirections: their target follows
                cmd_pos, cont = False, False
            prev = t
            continue

        w = t.text
        if for_header:
            prev = t
            continue
        if cmd_pos and w in ("if", "while", "until", "for", "case", "{"):
            handler = w == "{" and bool(blk.chain) and blk.chain[-1] == "||"
            elem = blk.add(Elem(w, t.line))
            blk.open = False
            inner = Block({"if": "if", "case": "case", "{": "{"}.get(w, "loop"), handler)
            inner.elem = elem
            stack.append(inner)
            if w == "case":
                inner.case_state = "subject"
                cmd_pos, cont = False, False
            elif w == "for":
                for_header = True
                cmd_pos, cont = False, False
            else:
                cmd_pos, cont = True, True
        elif cmd_pos and w in ("then", "do", "else", "elif", "!"):
            if w != "!":
                end_chain(blk)
            if w == "do" and blk.kind == "loop":
                blk.in_body = True
            cmd_pos, cont = True, True
        elif cmd_pos and w in ("}", "fi", "done", "esac") and len(stack) > 1:
            end_chain(blk)
            if w == "done" and blk.kind == "loop" and not blk.last_ok and not blk.trivial:
                report(t.line, "a loop goes on after a failure (end its body with "
                       "'|| return 1', or '|| exit 1' in a subshell)")
            stack.pop()
            if blk.kind == "{" and blk.last_flow:
                blk.elem.flow = True  # { ...; return 1; }: leaves like return
            cmd_pos, cont = False, False
        elif cmd_pos and is_assignment(w):
            # VAR=value [VAR=value...] [command]
            if blk.open and blk.chain[-1].assign_only:
                pass
            else:
                e = Elem(w, t.line)
                e.assign_only = True
                blk.add(e)
            if "$(" in w.replace("$((", "") or "`" in w:
                blk.chain[-1].assign_only = False
                if blk.in_body:
                    blk.trivial = False
            cont = False
        else:
            if cmd_pos:
                if blk.open and blk.chain[-1].assign_only:
                    e = blk.chain[-1]  # VAR=x command: the command counts
                    e.word, e.assign_only, e.flow = w, False, w in FLOW
                    if blk.in_body and w not in TRIVIAL:
                        blk.trivial = False
                else:
                    blk.add(Elem(w, t.line))
                cmd_pos = False
            cont = False
        prev = t
    if stack[-1].kind != "top":
        report(first_line, "a block is never closed")
    end_chain(stack[0])


def check_syntax(bodies, report):
    """sh -n over every body (each as a function), as test-lib would eval it."""
    if not bodies:
        return
    script, where = [], []  # where[i]: file line of script line i + 1
    for line, body in bodies:
        script.append("chainlint_body () {")
        where.append(line)
        for k, text in enumerate(body.split("\n")):
            script.append(text)
            where.append(line + k)
        script.append("}")
        where.append(line + body.count("\n"))
    try:
        r = subprocess.run(["sh", "-n"], input="\n".join(script) + "\n", text=True,
                           capture_output=True)
    except OSError as e:
        report(bodies[0][0], "cannot run sh -n (%s)" % e)
        return
    if r.returncode != 0:
        # bash: "line N: ...", dash: "sh: N: ..."
        m = re.search(r"(?:line |^sh: )(\d+): (.*)", r.stderr, re.M)
        n = int(m.group(1)) if m else 1
        report(where[min(n, len(where)) - 1],
               "syntax error (sh -n: %s)" % (m.group(2) if m else r.stderr.strip()))


def lint_file(path):
    found = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        src = f.read()
    lines = src.split("\n")

    def report(line, what):
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        found.append((line, what, text))

    bodies = []
    try:
        for line, body in test_bodies(src):
            bodies.append((line, body))
            try:
                lint_body(body, line, report)
            except (SyntaxError, ValueError, IndexError) as e:
                report(line, "cannot read the test body (%s)" % e)
    except (SyntaxError, ValueError, IndexError) as e:
        found.append((0, "cannot read the script (%s)" % e, ""))
    check_syntax(bodies, report)
    for line, what, text in sorted(set(found)):
        print("%s:%d: %s: %s" % (path, line, what, text))
    return len(found)


def main(argv):
    if len(argv) < 2:
        print("usage: chainlint.py FILE...", file=sys.stderr)
        return 2
    bad = sum(lint_file(p) for p in argv[1:])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
