# bash completion for mptcpctl, generated from its command tree by `mptcpctl completion bash`.
# Use: source it, or copy it to /usr/share/bash-completion/completions/mptcpctl.
_mptcpctl_global_options='-V --version -n --netns -j --json -p --pretty --format -c --color -v --verbose -b --batch --force -o --oneline -r --resolve -t --timestamp --debug -h --help'
_mptcpctl_objects='endpoint limits monitor help announce remove subflow connection status completion stats exporter config'
_mptcpctl_events='created established closed announced removed sf_established sf_closed sf_prio listener_created listener_closed'
# object -> its verbs, in the order abbreviations are matched
_mptcpctl_verbs() {
  case $1 in
    'endpoint') REPLY='add change delete show flush' ;;
    'limits') REPLY='set show' ;;
    'subflow') REPLY='create destroy show' ;;
    'connection') REPLY='show explain' ;;
    'config') REPLY='show diff apply try confirm follow' ;;
    *) REPLY='' ;;
  esac
}
# object -> the verb that a non-verb word starts the arguments of
_mptcpctl_implicit() {
  case $1 in
    'subflow') REPLY='show' ;;
    'connection') REPLY='show' ;;
    *) REPLY='' ;;
  esac
}
_mptcpctl_alias() {
  case $1 in
    'conn') REPLY='connection' ;;
    *) REPLY='' ;;
  esac
}
# object -> options of its own
_mptcpctl_options() {
  case $1 in
    'monitor') REPLY='--event --token --count --timeout --rcvbuf --ready-fd' ;;
    'stats') REPLY='--all --delta --watch --prometheus --output' ;;
    'exporter') REPLY='--listen --max-connections --max-age --no-events' ;;
    *) REPLY='' ;;
  esac
}
# "object verb" -> keywords
_mptcpctl_keywords() {
  case $1 in
    'endpoint add') REPLY='dev id port signal subflow backup fullmesh laminar' ;;
    'endpoint change') REPLY='id port backup nobackup fullmesh nofullmesh token remote' ;;
    'endpoint delete') REPLY='id' ;;
    'endpoint show') REPLY='id token --check' ;;
    'endpoint flush') REPLY='' ;;
    'limits set') REPLY='subflows add_addr_accepted' ;;
    'limits show') REPLY='' ;;
    'monitor ') REPLY='' ;;
    'help ') REPLY='endpoint limits announce remove status subflow connection config monitor stats exporter completion' ;;
    'announce ') REPLY='id token port dev' ;;
    'remove ') REPLY='id token' ;;
    'subflow create') REPLY='token local id port dev remote backup' ;;
    'subflow destroy') REPLY='token local port remote' ;;
    'subflow show') REPLY='token src dst sport dport dev' ;;
    'connection show') REPLY='token src dst sport dport dev' ;;
    'connection explain') REPLY='token dst src' ;;
    'status ') REPLY='' ;;
    'completion ') REPLY='bash zsh fish' ;;
    'stats ') REPLY='' ;;
    'exporter ') REPLY='' ;;
    'config show') REPLY='' ;;
    'config diff') REPLY='' ;;
    'config apply') REPLY='--dry-run' ;;
    'config try') REPLY='--timeout' ;;
    'config confirm') REPLY='' ;;
    'config follow') REPLY='--once --resync' ;;
    *) REPLY='' ;;
  esac
}
# an option, or "object verb keyword" -> where its value comes from (empty: takes no value)
_mptcpctl_value() {
  case $1 in
    '-n') REPLY='netns' ;;
    '--netns') REPLY='netns' ;;
    '--format') REPLY='choices auto text table json' ;;
    '-c') REPLY='choices auto always never' ;;
    '--color') REPLY='choices auto always never' ;;
    '-b') REPLY='file' ;;
    '--batch') REPLY='file' ;;
    'endpoint add dev') REPLY='devs' ;;
    'endpoint add id') REPLY='none' ;;
    'endpoint add port') REPLY='none' ;;
    'endpoint change id') REPLY='ids' ;;
    'endpoint change port') REPLY='none' ;;
    'endpoint change token') REPLY='tokens' ;;
    'endpoint change remote') REPLY='none' ;;
    'endpoint delete id') REPLY='ids' ;;
    'endpoint show id') REPLY='ids' ;;
    'endpoint show token') REPLY='tokens' ;;
    'limits set subflows') REPLY='none' ;;
    'limits set add_addr_accepted') REPLY='none' ;;
    '--event') REPLY='events' ;;
    '--token') REPLY='tokens' ;;
    '--count') REPLY='none' ;;
    '--timeout') REPLY='none' ;;
    '--rcvbuf') REPLY='none' ;;
    '--ready-fd') REPLY='none' ;;
    'announce  id') REPLY='none' ;;
    'announce  token') REPLY='tokens' ;;
    'announce  port') REPLY='none' ;;
    'announce  dev') REPLY='devs' ;;
    'remove  id') REPLY='none' ;;
    'remove  token') REPLY='tokens' ;;
    'subflow create token') REPLY='tokens' ;;
    'subflow create local') REPLY='none' ;;
    'subflow create id') REPLY='none' ;;
    'subflow create port') REPLY='none' ;;
    'subflow create dev') REPLY='devs' ;;
    'subflow create remote') REPLY='none' ;;
    'subflow destroy token') REPLY='tokens' ;;
    'subflow destroy local') REPLY='none' ;;
    'subflow destroy port') REPLY='none' ;;
    'subflow destroy remote') REPLY='none' ;;
    'subflow show token') REPLY='tokens' ;;
    'subflow show src') REPLY='none' ;;
    'subflow show dst') REPLY='none' ;;
    'subflow show sport') REPLY='none' ;;
    'subflow show dport') REPLY='none' ;;
    'subflow show dev') REPLY='devs' ;;
    'connection show token') REPLY='tokens' ;;
    'connection show src') REPLY='none' ;;
    'connection show dst') REPLY='none' ;;
    'connection show sport') REPLY='none' ;;
    'connection show dport') REPLY='none' ;;
    'connection show dev') REPLY='devs' ;;
    'connection explain token') REPLY='tokens' ;;
    'connection explain dst') REPLY='none' ;;
    'connection explain src') REPLY='none' ;;
    '--delta') REPLY='none' ;;
    '--watch') REPLY='none' ;;
    '--output') REPLY='none' ;;
    '--listen') REPLY='none' ;;
    '--max-connections') REPLY='none' ;;
    '--max-age') REPLY='none' ;;
    'config try --timeout') REPLY='none' ;;
    'config follow --resync') REPLY='none' ;;
    *) REPLY='' ;;
  esac
}
# the first of the words (after the first argument) that the first argument abbreviates
_mptcpctl_match() {
  local word=$1 candidate
  shift
  REPLY=''
  [[ -n $word ]] || return 0
  for candidate in "$@"; do
    if [[ $candidate == "$word"* ]]; then REPLY=$candidate; return 0; fi
  done
}
_mptcpctl_walk() {
  local i word object='' verb='' last='' verbs
  netns=''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == -* ]]; then
      _mptcpctl_value "$word"
      if [[ -n $REPLY ]]; then
        [[ $word == -n || $word == --netns ]] && netns=${COMP_WORDS[i+1]}
        ((i++))
      fi
      continue
    fi
    if [[ -z $object ]]; then
      [[ $word == mptcp ]] && continue
      _mptcpctl_alias "$word"
      [[ -n $REPLY ]] || _mptcpctl_match "$word" $_mptcpctl_objects
      object=${REPLY:-$word}
      continue
    fi
    if [[ -z $verb ]]; then
      _mptcpctl_verbs "$object"
      verbs=$REPLY
      if [[ -n $verbs ]]; then
        _mptcpctl_match "$word" $verbs
        if [[ -n $REPLY ]]; then verb=$REPLY; continue; fi
        _mptcpctl_implicit "$object"
        verb=${REPLY:-$word}
      fi
    fi
    last=$word
  done
  word=${COMP_WORDS[COMP_CWORD-1]}
  if (( COMP_CWORD > 1 )) && [[ $word == -* ]]; then
    _mptcpctl_value "$word"
    if [[ -n $REPLY ]]; then REPLY="value $REPLY"; return 0; fi
  fi
  if [[ ${COMP_WORDS[COMP_CWORD]} == -* ]]; then
    _mptcpctl_keywords "$object $verb"
    verbs=$REPLY
    _mptcpctl_options "$object"
    REPLY="words $_mptcpctl_global_options $REPLY $verbs"
    return 0
  fi
  if [[ -z $object ]]; then REPLY="words $_mptcpctl_objects"; return 0; fi
  _mptcpctl_verbs "$object"
  verbs=$REPLY
  if [[ -n $verbs && -z $verb ]]; then
    _mptcpctl_implicit "$object"
    if [[ -n $REPLY ]]; then _mptcpctl_keywords "$object $REPLY"; fi
    REPLY="words $verbs $REPLY"
    return 0
  fi
  if [[ -n $last ]]; then
    _mptcpctl_value "$object $verb $last"
    if [[ -n $REPLY ]]; then REPLY="value $REPLY"; return 0; fi
  fi
  _mptcpctl_keywords "$object $verb"
  REPLY="words $REPLY"
}
_mptcpctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} netns REPLY head
  COMPREPLY=()
  _mptcpctl_walk
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
      [[ $cur == *,* ]] && head=${cur%,*},
      COMPREPLY=($(compgen -P "$head" -W "$_mptcpctl_events" -- "${cur##*,}"))
      compopt -o nospace 2>/dev/null
      ;;
    ids | devs | tokens | netns)
      COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete "$1" ${netns:+"$netns"} 2>/dev/null)" -- "$cur"))
      ;;
  esac
  return 0
}
complete -F _mptcpctl mptcpctl
