/**
 * `mptcpctl completion bash|zsh|fish`: completion scripts generated from the command tree (see
 * model.ts). Each script carries the tree as data (case tables) and one small walker
 * that finds the object, verb and last keyword on the line, the same way in all three shells.
 * Values that live in the kernel (endpoint ids, interfaces, tokens, namespaces) are asked of
 * `mptcpctl __complete KIND [NETNS]` (values.ts) when needed.
 */
import type { CompletionModel, KeywordModel, ObjectModel, OptionModel, ValueSource } from './model.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** `choices a b c` or the source's kind: what the walker hands to the value completer. */
function sourceWord(source: ValueSource): string {
  return source.kind === 'choices' ? `choices ${source.choices.join(' ')}` : source.kind;
}

/** Rows of the value table: key (an option, or `object verb keyword`) -> source. */
function valueRows(model: CompletionModel): [string, string][] {
  const rows: [string, string][] = [];
  const options = (list: OptionModel[]) => {
    for (const o of list) if (o.value) for (const n of o.names) rows.push([n, sourceWord(o.value)]);
  };
  const keywords = (key: string, list: KeywordModel[]) => {
    for (const k of list) if (k.value) rows.push([`${key} ${k.word}`, sourceWord(k.value)]);
  };
  options(model.options);
  for (const o of model.objects) {
    options(o.options);
    keywords(`${o.name} `, o.keywords);
    for (const v of o.verbs) keywords(`${o.name} ${v.name}`, v.keywords);
  }
  return rows;
}

/** Rows of the keyword table: `object verb` (verb empty for objects without verbs) -> words. */
function keywordRows(model: CompletionModel): [string, string][] {
  return model.objects.flatMap((o) =>
    o.verbs.length ? o.verbs.map((v): [string, string] => [`${o.name} ${v.name}`, v.keywords.map((k) => k.word).join(' ')]) : [[`${o.name} `, o.keywords.map((k) => k.word).join(' ')]],
  );
}

const names = (list: OptionModel[]) => list.flatMap((o) => o.names).join(' ');
const withVerbs = (model: CompletionModel) => model.objects.filter((o) => o.verbs.length);
const withOptions = (model: CompletionModel) => model.objects.filter((o) => o.options.length);
const implicit = (model: CompletionModel) => model.objects.filter((o): o is ObjectModel & { implicitVerb: string } => o.implicitVerb !== undefined);
/** Object words in first-match order, with aliases (`conn`) resolved by the walker. */
const objectWords = (model: CompletionModel) => model.objects.map((o) => o.name).join(' ');
const aliasRows = (model: CompletionModel): [string, string][] => model.objects.flatMap((o) => o.aliases.map((a): [string, string] => [a, o.name]));

/** A `case` table for bash and zsh: each row sets REPLY. */
function shCase(subject: string, rows: [string, string][], indent = '    '): string {
  const lines = rows.map(([key, value]) => `${indent}'${key}') REPLY='${value}' ;;`);
  return [`  case ${subject} in`, ...lines, `${indent}*) REPLY='' ;;`, '  esac'].join('\n');
}

function header(model: CompletionModel, shell: Shell): string {
  return `# ${shell} completion for ${model.program}, generated from its command tree by \`${model.program} completion ${shell}\`.`;
}

/** The data part shared by bash and zsh (both read POSIX-style case tables). */
function shData(model: CompletionModel): string {
  const p = `_${model.program}`;
  return `${p}_global_options='${names(model.options)}'
${p}_objects='${objectWords(model)}'
${p}_events='${model.events.join(' ')}'
# object -> its verbs, in the order abbreviations are matched
${p}_verbs() {
${shCase('$1', withVerbs(model).map((o) => [o.name, o.verbs.map((v) => v.name).join(' ')]))}
}
# object -> the verb that a non-verb word starts the arguments of
${p}_implicit() {
${shCase('$1', implicit(model).map((o) => [o.name, o.implicitVerb]))}
}
${p}_alias() {
${shCase('$1', aliasRows(model))}
}
# object -> options of its own
${p}_options() {
${shCase('$1', withOptions(model).map((o) => [o.name, names(o.options)]))}
}
# "object verb" -> keywords
${p}_keywords() {
${shCase('$1', keywordRows(model))}
}
# an option, or "object verb keyword" -> where its value comes from (empty: takes no value)
${p}_value() {
${shCase('$1', valueRows(model))}
}
# the first of the words (after the first argument) that the first argument abbreviates
${p}_match() {
  local word=$1 candidate
  shift
  REPLY=''
  [[ -n $word ]] || return 0
  for candidate in "$@"; do
    if [[ $candidate == "$word"* ]]; then REPLY=$candidate; return 0; fi
  done
}`;
}

/**
 * The walker for bash and zsh (the syntax below means the same in both): reads words[first..cur-1]
 * into object, verb, netns and the last argument word, then sets REPLY to what to offer:
 * `words LIST` or `value SOURCE`.
 */
function shWalker(model: CompletionModel, wordsExpr: string, first: string, cur: string): string {
  const p = `_${model.program}`;
  return `${p}_walk() {
  local i word object='' verb='' last='' verbs
  netns=''
  for ((i = ${first}; i < ${cur}; i++)); do
    word=\${${wordsExpr}[i]}
    if [[ $word == -* ]]; then
      ${p}_value "$word"
      if [[ -n $REPLY ]]; then
        [[ $word == -n || $word == --netns ]] && netns=\${${wordsExpr}[i+1]}
        ((i++))
      fi
      continue
    fi
    if [[ -z $object ]]; then
      [[ $word == mptcp ]] && continue
      ${p}_alias "$word"
      [[ -n $REPLY ]] || ${p}_match "$word" \$=${p}_objects
      object=\${REPLY:-$word}
      continue
    fi
    if [[ -z $verb ]]; then
      ${p}_verbs "$object"
      verbs=$REPLY
      if [[ -n $verbs ]]; then
        ${p}_match "$word" \$=verbs
        if [[ -n $REPLY ]]; then verb=$REPLY; continue; fi
        ${p}_implicit "$object"
        verb=\${REPLY:-$word}
      fi
    fi
    last=$word
  done
  word=\${${wordsExpr}[${cur}-1]}
  if (( ${cur} > ${first} )) && [[ $word == -* ]]; then
    ${p}_value "$word"
    if [[ -n $REPLY ]]; then REPLY="value $REPLY"; return 0; fi
  fi
  if [[ \${${wordsExpr}[${cur}]} == -* ]]; then
    ${p}_keywords "$object $verb"
    verbs=$REPLY
    ${p}_options "$object"
    REPLY="words \$${p}_global_options $REPLY $verbs"
    return 0
  fi
  if [[ -z $object ]]; then REPLY="words \$${p}_objects"; return 0; fi
  ${p}_verbs "$object"
  verbs=$REPLY
  if [[ -n $verbs && -z $verb ]]; then
    ${p}_implicit "$object"
    if [[ -n $REPLY ]]; then ${p}_keywords "$object $REPLY"; fi
    REPLY="words $verbs $REPLY"
    return 0
  fi
  if [[ -n $last ]]; then
    ${p}_value "$object $verb $last"
    if [[ -n $REPLY ]]; then REPLY="value $REPLY"; return 0; fi
  fi
  ${p}_keywords "$object $verb"
  REPLY="words $REPLY"
}`;
}

function bashScript(model: CompletionModel): string {
  const p = `_${model.program}`;
  // bash has no $=var (zsh's word splitting); an unquoted $var splits the same way there.
  const walker = shWalker(model, 'COMP_WORDS', '1', 'COMP_CWORD').replaceAll('$=', '$');
  return `${header(model, 'bash')}
# Use: source it, or copy it to /usr/share/bash-completion/completions/${model.program}.
${shData(model)}
${walker}
${p}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} netns REPLY head
  COMPREPLY=()
  ${p}_walk
  set -- $REPLY
  local what=$1
  shift
  if [[ $what == words ]]; then
    COMPREPLY=($(compgen -W "$*" -- "$cur"))
    return 0
  fi
  case $1 in
    choices) shift; COMPREPLY=($(compgen -W "$*" -- "$cur")) ;;
    file) COMPREPLY=($(compgen -f -- "$cur")) ;;
    events)
      head=''
      [[ $cur == *,* ]] && head=\${cur%,*},
      COMPREPLY=($(compgen -P "$head" -W "\$${p}_events" -- "\${cur##*,}"))
      compopt -o nospace 2>/dev/null
      ;;
    ids | devs | tokens | netns)
      COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete "$1" \${netns:+"$netns"} 2>/dev/null)" -- "$cur"))
      ;;
  esac
  return 0
}
complete -F ${p} ${model.program}
`;
}

function zshScript(model: CompletionModel): string {
  const p = `_${model.program}`;
  return `#compdef ${model.program}
${header(model, 'zsh')}
# Use: copy it as _${model.program} into a directory of $fpath before compinit, or source it after compinit.
${shData(model)}
${shWalker(model, 'words', '2', 'CURRENT')}
${p}() {
  emulate -L zsh
  local cur=\${words[CURRENT]} netns REPLY head
  local -a reply candidates
  ${p}_walk
  reply=(\${=REPLY})
  if [[ \${reply[1]} == words ]]; then
    candidates=(\${reply[2,-1]})
  else
    case \${reply[2]} in
      choices) candidates=(\${reply[3,-1]}) ;;
      file) _files; return ;;
      events)
        head=''
        [[ $cur == *,* ]] && head=\${cur%,*},
        candidates=(\${=${p}_events})
        candidates=(\${candidates/#/$head})
        compadd -S '' -- \${(M)candidates:#\${cur}*}
        return
        ;;
      ids | devs | tokens | netns)
        candidates=(\${(f)"$(\${words[1]} __complete \${reply[2]} \${netns:+"$netns"} 2>/dev/null)"})
        ;;
    esac
  fi
  compadd -- \${(M)candidates:#\${cur}*}
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${p} "$@"
elif (( \${+functions[compdef]} )); then
  compdef ${p} ${model.program}
fi
`;
}

/** fish: the same walker in fish syntax; candidates carry descriptions where the tree has them. */
function fishScript(model: CompletionModel): string {
  const p = `__${model.program}`;
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const line = (word: string, description: string) => q(`${word}\t${description.split('\n')[0]!.slice(0, 80)}`);
  const fishCase = (rows: [string, string][], indent = '        ') =>
    rows.map(([key, value]) => `${indent}case ${q(key)}\n${indent}    echo ${value}`).join('\n');
  const optionLines = (list: OptionModel[]) => list.flatMap((o) => o.names.map((n) => line(n, o.description)));
  return `${header(model, 'fish')}
# Use: copy it to ~/.config/fish/completions/${model.program}.fish (or source it).
set -g ${p}_objects ${objectWords(model)}
set -g ${p}_events ${model.events.join(' ')}

function ${p}_verbs
    switch $argv[1]
${fishCase(withVerbs(model).map((o) => [o.name, o.verbs.map((v) => v.name).join(' ')]))}
    end
end

function ${p}_implicit
    switch $argv[1]
${fishCase(implicit(model).map((o) => [o.name, o.implicitVerb]))}
    end
end

function ${p}_alias
    switch $argv[1]
${fishCase(aliasRows(model))}
    end
end

function ${p}_keywords
    switch $argv[1]
${fishCase(keywordRows(model).filter(([, words]) => words !== ''))}
    end
end

function ${p}_value
    switch $argv[1]
${fishCase(valueRows(model))}
    end
end

function ${p}_describe
    switch $argv[1]
        case objects
            printf '%s\\n' ${model.objects.map((o) => line(o.name, o.description)).join(' ')}
${withVerbs(model)
  .map((o) => `        case ${q(`verbs ${o.name}`)}\n            printf '%s\\n' ${o.verbs.map((v) => line(v.name, v.description)).join(' ')}`)
  .join('\n')}
        case options
            printf '%s\\n' ${optionLines(model.options).join(' ')}
${withOptions(model)
  .map((o) => `        case ${q(`options ${o.name}`)}\n            printf '%s\\n' ${optionLines(o.options).join(' ')}`)
  .join('\n')}
    end
end

function ${p}_match
    for candidate in $argv[2..-1]
        if test -n "$argv[1]"; and string match -q -- "$argv[1]*" $candidate
            echo $candidate
            return
        end
    end
end

function ${p}_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l object
    set -l verb
    set -l last
    set -l netns
    set -l skip 0
    for i in (seq 2 (count $words))
        set -l word $words[$i]
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $word
            if test -n "$(${p}_value $word)"
                set skip 1
                if contains -- $word -n --netns
                    set -q words[(math $i + 1)]; and set netns $words[(math $i + 1)]
                end
            end
            continue
        end
        if test -z "$object"
            test $word = mptcp; and continue
            set object (${p}_alias $word)
            test -n "$object"; or set object (${p}_match $word $${p}_objects)
            test -n "$object"; or set object $word
            continue
        end
        if test -z "$verb"
            set -l verbs (string split ' ' -- (${p}_verbs $object))
            if test -n "$verbs"
                set verb (${p}_match $word $verbs)
                test -n "$verb"; and continue
                set verb (${p}_implicit $object)
                test -n "$verb"; or set verb $word
            end
        end
        set last $word
    end
    set -l source
    if test (count $words) -gt 1; and string match -q -- '-*' $words[-1]
        set source (${p}_value $words[-1])
    end
    if test -z "$source"
        if string match -q -- '-*' $cur
            ${p}_describe options
            ${p}_describe "options $object"
            string match -- '-*' (string split ' ' -- (${p}_keywords "$object $verb"))
            return
        end
        if test -z "$object"
            ${p}_describe objects
            return
        end
        if test -n "$(${p}_verbs $object)"; and test -z "$verb"
            ${p}_describe "verbs $object"
            set -l default (${p}_implicit $object)
            test -n "$default"; and string split ' ' -- (${p}_keywords "$object $default")
            return
        end
        test -n "$last"; and set source (${p}_value "$object $verb $last")
        if test -z "$source"
            string split ' ' -- (${p}_keywords "$object $verb")
            return
        end
    end
    set -l kind (string split ' ' -- $source)
    switch $kind[1]
        case choices
            printf '%s\\n' $kind[2..-1]
        case file
            __fish_complete_path $cur
        case events
            set -l head (string match -r '^.*,' -- $cur)
            printf "$head%s\\n" $${p}_events
        case ids devs tokens netns
            $words[1] __complete $kind[1] $netns 2>/dev/null
    end
end

complete -c ${model.program} -f -a '(${p}_complete)'
`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, model: CompletionModel): string {
  switch (shell) {
    case 'bash':
      return bashScript(model);
    case 'zsh':
      return zshScript(model);
    case 'fish':
      return fishScript(model);
  }
}
