// Strings that YAML 1.1 readers (PyYAML, older yq, Ruby's Psych) would read
// as something else. The `yaml` package writes YAML 1.2, where `yes`, `no`,
// `on`, `off`, `y`, `1:30`, `0b101` or `2024-10-21` are plain strings and
// need no quotes; a 1.1 reader turns them into booleans, numbers or dates.
// The export quotes them, which changes nothing for a 1.2 reader.
// Patterns: the YAML 1.1 type repository (bool, null, int, float, timestamp, merge, value).
const YAML_1_1_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const YAML_1_1_NULL = /^(?:~|null|Null|NULL|)$/;
const YAML_1_1_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const YAML_1_1_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const YAML_1_1_TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$/;

/** True when a YAML 1.1 reader would not read this string, written plain, as a string. */
export function readsOtherwiseInYaml11(text: string): boolean {
  return (
    YAML_1_1_BOOL.test(text) ||
    YAML_1_1_NULL.test(text) ||
    YAML_1_1_INT.test(text) ||
    YAML_1_1_FLOAT.test(text) ||
    YAML_1_1_TIMESTAMP.test(text) ||
    text === '<<' ||
    text === '='
  );
}
