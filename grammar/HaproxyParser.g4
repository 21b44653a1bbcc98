// The generic shape of an HAProxy configuration: lines of words. Sections, keywords
// and their arguments mean something only in compiler/haproxy's keyword table. One
// flat rule: a large configuration has a hundred thousand words.
parser grammar HaproxyParser;

options { tokenVocab = HaproxyLexer; }

config : line* EOF ;
// The last line may end at the end of the file instead of a newline.
line   : ( WORD | OPEN_QUOTE | STRAY )* NL
       | ( WORD | OPEN_QUOTE | STRAY )+
       ;
