using System.Text;

namespace Atasker.Generators.Emit;

/// <summary>Writes C# source line by line with four-space indentation and \n line ends (the same on every OS).</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    public IndentedWriter Open(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return this;
    }

    public IndentedWriter Close()
    {
        _depth--;
        return Line("}");
    }

    public IndentedWriter Indent()
    {
        _depth++;
        return this;
    }

    public IndentedWriter Outdent()
    {
        _depth--;
        return this;
    }

    public override string ToString() => _text.ToString();
}
