using System.Globalization;
using System.Text;
using YamlDotNet.Serialization;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// The part of Go's text/template and Helm's functions that the StreamNlp chart uses, so its templates can be rendered
/// where no <c>helm</c> binary exists (no NuGet package renders Go templates). Supported: text with <c>{{- -}}</c>
/// trimming and comments; <c>if</c>/<c>else if</c>/<c>else</c>, <c>range</c> (over maps, sorted by key as Go does, and
/// lists, with <c>$k, $v :=</c>), <c>with</c>, <c>define</c>; pipelines of fields (<c>.Values.a.b</c>), variables,
/// literals and parenthesised pipelines; the functions <c>include quote toYaml nindent indent default trunc trimSuffix
/// contains printf not and or eq ne gt lt int toString required fail</c>. Anything else is an error, never a guess,
/// so a template using more than this subset fails the test instead of passing unchecked.
/// </summary>
internal sealed class GoTemplateSubset
{
    private readonly Dictionary<string, List<Node>> _templates = new(StringComparer.Ordinal);

    /// <summary>Parses every template (name, text); <c>define</c>d templates become includable by name.</summary>
    public GoTemplateSubset(IEnumerable<(string Name, string Text)> templates)
    {
        foreach (var (name, text) in templates)
        {
            _templates[name] = Parse(Tokenize(text, name), name);
        }
    }

    /// <summary>Renders one template with <paramref name="dot"/> as <c>.</c> (and <c>$</c>).</summary>
    public string Render(string name, object? dot)
    {
        var output = new StringBuilder();
        Execute(Template(name), new Scope(dot, new Dictionary<string, object?>(StringComparer.Ordinal) { ["$"] = dot }), output);
        return output.ToString().Replace("<no value>", string.Empty, StringComparison.Ordinal);
    }

    private List<Node> Template(string name) =>
        _templates.TryGetValue(name, out var nodes) ? nodes : throw new InvalidOperationException($"no template named \"{name}\"");

    // ---------------------------------------------------------------- lexing of the text into text and actions

    private static List<(bool IsAction, string Text)> Tokenize(string text, string name)
    {
        var tokens = new List<(bool IsAction, string Text)>();
        var position = 0;
        var trimNextText = false;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            var literal = open < 0 ? text[position..] : text[position..open];
            if (trimNextText)
            {
                literal = literal.TrimStart();
            }

            if (open < 0)
            {
                tokens.Add((false, literal));
                break;
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new InvalidOperationException($"{name}: unclosed action at offset {open}");
            }

            var inner = text[(open + 2)..close];
            if (inner.StartsWith("- ", StringComparison.Ordinal) || inner.StartsWith("-\n", StringComparison.Ordinal))
            {
                literal = literal.TrimEnd();
                inner = inner[1..];
            }

            trimNextText = inner.EndsWith(" -", StringComparison.Ordinal) || inner.EndsWith("\n-", StringComparison.Ordinal);
            if (trimNextText)
            {
                inner = inner[..^1];
            }

            tokens.Add((false, literal));
            inner = inner.Trim();
            if (!(inner.StartsWith("/*", StringComparison.Ordinal) && inner.EndsWith("*/", StringComparison.Ordinal)))
            {
                tokens.Add((true, inner));
            }

            position = close + 2;
        }

        return tokens;
    }

    // ---------------------------------------------------------------- parsing into a tree

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record ActionNode(Pipeline Pipeline, string? AssignTo) : Node;

    private sealed record IfNode(List<(Pipeline Condition, List<Node> Body)> Branches, List<Node> Else, bool With) : Node;

    private sealed record RangeNode(string? KeyVariable, string? ValueVariable, Pipeline Source, List<Node> Body, List<Node> Else) : Node;

    private sealed record Pipeline(List<List<Operand>> Commands);

    private abstract record Operand;

    private sealed record Literal(object? Value) : Operand;

    private sealed record Field(string? Variable, string[] Path) : Operand;

    private sealed record Function(string Name) : Operand;

    private sealed record Group(Pipeline Pipeline) : Operand;

    private sealed class Frame(string keyword, List<Node> body)
    {
        public string Keyword { get; } = keyword;

        public List<Node> Body { get; set; } = body;

        public IfNode? If { get; init; }

        public RangeNode? Range { get; init; }

        public string? DefineName { get; init; }
    }

    private List<Node> Parse(List<(bool IsAction, string Text)> tokens, string name)
    {
        var root = new List<Node>();
        var stack = new Stack<Frame>();
        List<Node> Current() => stack.Count == 0 ? root : stack.Peek().Body;
        foreach (var (isAction, text) in tokens)
        {
            if (!isAction)
            {
                if (text.Length > 0)
                {
                    Current().Add(new TextNode(text));
                }

                continue;
            }

            var words = Lex(text, name);
            var keyword = words.Count > 0 ? words[0] : string.Empty;
            switch (keyword)
            {
                case "if" or "with":
                {
                    var node = new IfNode([(ParsePipeline(words, 1, name), [])], [], keyword == "with");
                    Current().Add(node);
                    stack.Push(new Frame(keyword, node.Branches[0].Body) { If = node });
                    break;
                }

                case "range":
                {
                    string? key = null, value = null;
                    var start = 1;
                    var assign = words.IndexOf(":=");
                    if (assign > 0)
                    {
                        var vars = words[1..assign].Where(w => w != ",").ToList();
                        (key, value) = vars.Count == 2 ? (vars[0], vars[1]) : (null, vars[0]);
                        start = assign + 1;
                    }

                    var node = new RangeNode(key, value, ParsePipeline(words, start, name), [], []);
                    Current().Add(node);
                    stack.Push(new Frame("range", node.Body) { Range = node });
                    break;
                }

                case "define":
                {
                    var defined = (string)ParseLiteral(words[1], name)!;
                    var body = new List<Node>();
                    _templates[defined] = body;
                    stack.Push(new Frame("define", body) { DefineName = defined });
                    break;
                }

                case "else":
                {
                    var frame = stack.Count > 0 ? stack.Peek() : throw new InvalidOperationException($"{name}: else outside if/range");
                    if (frame.If is { } ifNode && words.Count > 1 && words[1] == "if")
                    {
                        var branch = (ParsePipeline(words, 2, name), new List<Node>());
                        ifNode.Branches.Add(branch);
                        frame.Body = branch.Item2;
                    }
                    else
                    {
                        frame.Body = frame.If?.Else ?? frame.Range?.Else ?? throw new InvalidOperationException($"{name}: else in {frame.Keyword}");
                    }

                    break;
                }

                case "end":
                    if (stack.Count == 0)
                    {
                        throw new InvalidOperationException($"{name}: end without a block");
                    }

                    stack.Pop();
                    break;

                case "template" or "block" or "break" or "continue":
                    throw new NotSupportedException($"{name}: '{keyword}' is outside the supported subset");

                default:
                    if (words.Count > 2 && words[0].StartsWith('$') && words[1] is ":=" or "=")
                    {
                        Current().Add(new ActionNode(ParsePipeline(words, 2, name), words[0]));
                    }
                    else
                    {
                        Current().Add(new ActionNode(ParsePipeline(words, 0, name), null));
                    }

                    break;
            }
        }

        if (stack.Count > 0)
        {
            throw new InvalidOperationException($"{name}: unclosed {stack.Peek().Keyword}");
        }

        return root;
    }

    private static List<string> Lex(string text, string name)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '`')
            {
                var end = i + 1;
                while (end < text.Length && text[end] != c)
                {
                    end += c == '"' && text[end] == '\\' ? 2 : 1;
                }

                if (end >= text.Length)
                {
                    throw new InvalidOperationException($"{name}: unterminated string in {{{{ {text} }}}}");
                }

                words.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else if (c is '(' or ')' or '|' or ',')
            {
                words.Add(c.ToString());
                i++;
            }
            else if (c == ':' && i + 1 < text.Length && text[i + 1] == '=')
            {
                words.Add(":=");
                i += 2;
            }
            else
            {
                var end = i;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('(' or ')' or '|' or ',' or '"'))
                {
                    end++;
                }

                words.Add(text[i..end]);
                i = end;
            }
        }

        return words;
    }

    private static Pipeline ParsePipeline(List<string> words, int start, string name)
    {
        var position = start;
        var pipeline = ParsePipelineUntil(words, ref position, name);
        if (position != words.Count)
        {
            throw new InvalidOperationException($"{name}: unexpected '{words[position]}'");
        }

        return pipeline;
    }

    private static Pipeline ParsePipelineUntil(List<string> words, ref int position, string name)
    {
        var commands = new List<List<Operand>> { new() };
        while (position < words.Count && words[position] != ")")
        {
            var word = words[position++];
            if (word == "|")
            {
                commands.Add([]);
            }
            else if (word == "(")
            {
                var inner = ParsePipelineUntil(words, ref position, name);
                if (position >= words.Count || words[position] != ")")
                {
                    throw new InvalidOperationException($"{name}: unclosed (");
                }

                position++;
                commands[^1].Add(new Group(inner));
            }
            else
            {
                commands[^1].Add(ParseOperand(word, name));
            }
        }

        if (commands.Any(c => c.Count == 0))
        {
            throw new InvalidOperationException($"{name}: empty command in pipeline");
        }

        return new Pipeline(commands);
    }

    private static Operand ParseOperand(string word, string name)
    {
        if (word.StartsWith('.'))
        {
            return new Field(null, word == "." ? [] : word[1..].Split('.'));
        }

        if (word.StartsWith('$'))
        {
            var parts = word.Split('.');
            return new Field(parts[0], parts[1..]);
        }

        if (word is "true" or "false" or "nil" || word[0] is '"' or '`' || char.IsDigit(word[0]) || word[0] == '-')
        {
            return new Literal(ParseLiteral(word, name));
        }

        return new Function(word);
    }

    private static object? ParseLiteral(string word, string name)
    {
        switch (word)
        {
            case "true":
                return true;
            case "false":
                return false;
            case "nil":
                return null;
        }

        if (word[0] == '`')
        {
            return word[1..^1];
        }

        if (word[0] == '"')
        {
            var s = new StringBuilder();
            for (var i = 1; i < word.Length - 1; i++)
            {
                if (word[i] == '\\')
                {
                    i++;
                    s.Append(word[i] switch { 'n' => '\n', 't' => '\t', _ => word[i] });
                }
                else
                {
                    s.Append(word[i]);
                }
            }

            return s.ToString();
        }

        return long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
            : double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new InvalidOperationException($"{name}: cannot read '{word}'");
    }

    // ---------------------------------------------------------------- execution

    private sealed record Scope(object? Dot, Dictionary<string, object?> Variables)
    {
        public Scope With(object? dot, params (string? Name, object? Value)[] variables)
        {
            var copy = new Dictionary<string, object?>(Variables, StringComparer.Ordinal);
            foreach (var (name, value) in variables)
            {
                if (name is not null)
                {
                    copy[name] = value;
                }
            }

            return new Scope(dot, copy);
        }
    }

    private void Execute(List<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode { AssignTo: { } variable } assign:
                    scope.Variables[variable] = Evaluate(assign.Pipeline, scope);
                    break;
                case ActionNode action:
                    output.Append(Print(Evaluate(action.Pipeline, scope)));
                    break;
                case IfNode ifNode:
                {
                    var done = false;
                    foreach (var (condition, body) in ifNode.Branches)
                    {
                        var value = Evaluate(condition, scope);
                        if (Truthy(value))
                        {
                            Execute(body, ifNode.With ? scope.With(value) : scope, output);
                            done = true;
                            break;
                        }
                    }

                    if (!done)
                    {
                        Execute(ifNode.Else, scope, output);
                    }

                    break;
                }

                case RangeNode range:
                {
                    var source = Evaluate(range.Source, scope);
                    IEnumerable<(object? Key, object? Value)> items = source switch
                    {
                        null => [],
                        Dictionary<string, object?> map => map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => ((object?)p.Key, p.Value)),
                        List<object?> list => list.Select((v, i) => ((object?)(long)i, v)),
                        _ => throw new InvalidOperationException($"range over {source.GetType().Name}"),
                    };
                    var any = false;
                    foreach (var (key, value) in items)
                    {
                        any = true;
                        Execute(range.Body, scope.With(value, (range.KeyVariable, key), (range.ValueVariable, value)), output);
                    }

                    if (!any)
                    {
                        Execute(range.Else, scope, output);
                    }

                    break;
                }

                default:
                    throw new InvalidOperationException($"unknown node {node.GetType().Name}");
            }
        }
    }

    private object? Evaluate(Pipeline pipeline, Scope scope)
    {
        object? result = null;
        var piped = false;
        foreach (var command in pipeline.Commands)
        {
            if (command[0] is Function function)
            {
                var args = command.Skip(1).Select(o => Value(o, scope)).ToList();
                if (piped)
                {
                    args.Add(result);
                }

                result = Call(function.Name, args, scope);
            }
            else
            {
                if (command.Count != 1 || piped)
                {
                    throw new InvalidOperationException("a value cannot take arguments");
                }

                result = Value(command[0], scope);
            }

            piped = true;
        }

        return result;
    }

    private object? Value(Operand operand, Scope scope) => operand switch
    {
        Literal literal => literal.Value,
        Group group => Evaluate(group.Pipeline, scope),
        Field field => Walk(field.Variable is null ? scope.Dot
            : scope.Variables.TryGetValue(field.Variable, out var v) ? v
            : throw new InvalidOperationException($"undefined variable {field.Variable}"), field.Path),
        Function function => Call(function.Name, [], scope),
        _ => throw new InvalidOperationException($"unknown operand {operand}"),
    };

    private static object? Walk(object? value, string[] path)
    {
        foreach (var part in path)
        {
            value = value switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(part),
                null => throw new InvalidOperationException($"nil pointer evaluating .{part}"),
                _ => throw new InvalidOperationException($"can't evaluate field {part} in {value.GetType().Name}"),
            };
        }

        return value;
    }

    private object? Call(string name, List<object?> args, Scope scope)
    {
        void Arity(int count)
        {
            if (args.Count != count)
            {
                throw new InvalidOperationException($"{name} takes {count} arguments, got {args.Count}");
            }
        }

        switch (name)
        {
            case "include":
            {
                Arity(2);
                var output = new StringBuilder();
                Execute(Template((string)args[0]!), scope.With(args[1], ("$", args[1])), output);
                return output.ToString();
            }

            case "quote":
                return string.Join(' ', args.Where(a => a is not null).Select(a => "\"" + Print(a).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
            case "toYaml":
                Arity(1);
                return ToYaml(args[0]);
            case "nindent":
                Arity(2);
                return "\n" + Indent(ToInt(args[0]), Print(args[1]));
            case "indent":
                Arity(2);
                return Indent(ToInt(args[0]), Print(args[1]));
            case "default":
                Arity(2);
                return Truthy(args[1]) ? args[1] : args[0];
            case "trunc":
            {
                Arity(2);
                var s = Print(args[1]);
                var n = ToInt(args[0]);
                return s.Length > n ? s[..n] : s;
            }

            case "trimSuffix":
            {
                Arity(2);
                var s = Print(args[1]);
                var suffix = Print(args[0]);
                return suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
            }

            case "contains":
                Arity(2);
                return Print(args[1]).Contains(Print(args[0]), StringComparison.Ordinal);
            case "printf":
                return Printf(Print(args[0]), args.Skip(1).ToList());
            case "not":
                Arity(1);
                return !Truthy(args[0]);
            case "and":
                return args.FirstOrDefault(a => !Truthy(a), args.LastOrDefault());
            case "or":
                return args.FirstOrDefault(Truthy, args.LastOrDefault());
            case "eq":
                Arity(2);
                return Equals(Normalize(args[0]), Normalize(args[1]));
            case "ne":
                Arity(2);
                return !Equals(Normalize(args[0]), Normalize(args[1]));
            case "gt":
                Arity(2);
                return ToDouble(args[0]) > ToDouble(args[1]);
            case "lt":
                Arity(2);
                return ToDouble(args[0]) < ToDouble(args[1]);
            case "int":
                Arity(1);
                return (long)ToInt(args[0]);
            case "toString":
                Arity(1);
                return Print(args[0]);
            case "required":
                Arity(2);
                return Truthy(args[1]) ? args[1] : throw new InvalidOperationException($"required: {Print(args[0])}");
            case "fail":
                Arity(1);
                throw new GoTemplateFailException(Print(args[0]));
            default:
                throw new NotSupportedException($"function '{name}' is outside the supported subset");
        }
    }

    private static object? Normalize(object? value) => value is long l ? (double)l : value;

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        Dictionary<string, object?> map => map.Count > 0,
        List<object?> list => list.Count > 0,
        _ => true,
    };

    private static int ToInt(object? value) => value switch
    {
        long l => (int)l,
        double d => (int)d,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        null => 0,
        _ => throw new InvalidOperationException($"not a number: {value}"),
    };

    private static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        _ => throw new InvalidOperationException($"not a number: {value}"),
    };

    private static string Print(object? value) => value switch
    {
        null => "<no value>",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"printing a {value.GetType().Name} is outside the supported subset (use toYaml)"),
    };

    private static string Printf(string format, List<object?> args)
    {
        var output = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '%' && i + 1 < format.Length)
            {
                var verb = format[++i];
                output.Append(verb switch
                {
                    '%' => "%",
                    's' or 'v' or 'd' => Print(args[next++]),
                    _ => throw new NotSupportedException($"printf verb %{verb}"),
                });
            }
            else
            {
                output.Append(format[i]);
            }
        }

        return output.ToString();
    }

    private static string Indent(int spaces, string text)
    {
        var pad = new string(' ', spaces);
        return pad + text.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    private static string ToYaml(object? value)
    {
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();
        return serializer.Serialize(value).TrimEnd('\n');
    }
}
