using System.Collections.Immutable;
using Atasker.Analyzers;
using Atasker.Generators.Tasks;
using Atasker.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Atasker.Analyzers.Tests;

/// <summary>Runs the generator and then the analyzers over test sources, as <c>dotnet build</c> does.</summary>
internal static class AnalyzerHarness
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = [new BackgroundTaskAnalyzer()];

    /// <summary>The ATSK diagnostics of the sources.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(params string[] sources)
    {
        var compilation = WithGeneratedCode(TestCompilation.Compile(sources));
        var diagnostics = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(diagnostic => diagnostic.Id.StartsWith("ATSK", StringComparison.Ordinal)).ToImmutableArray();
    }

    public static Compilation WithGeneratedCode(Compilation compilation)
    {
        CSharpGeneratorDriver.Create(new TaskGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return output;
    }
}

/// <summary>
/// Test source with the expected diagnostics marked in it: <c>{|ATSK0001:Build|}</c> means ATSK0001 is expected
/// exactly on <c>Build</c>. <see cref="Source"/> is the text without the marks.
/// </summary>
internal sealed record Markup(string Source, IReadOnlyList<(string Id, TextSpan Span)> Expected)
{
    public static Markup Parse(string text)
    {
        var source = new System.Text.StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text.AsSpan(i).StartsWith("{|", StringComparison.Ordinal))
            {
                int colon = text.IndexOf(':', i);
                open.Push((text[(i + 2)..colon], source.Length));
                i = colon;
            }
            else if (text.AsSpan(i).StartsWith("|}", StringComparison.Ordinal))
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, source.Length)));
                i++;
            }
            else
            {
                source.Append(text[i]);
            }
        }

        return new Markup(source.ToString(), expected);
    }
}
