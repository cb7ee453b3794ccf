using System.Text.RegularExpressions;
using Atasker.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Atasker.Generators.Tests;

/// <summary>
/// Every code block marked <c>csharp</c> in README.md and docs/ (the diagnostics pages have their own tests) compiles
/// against the current API with the generator, so the docs never drift from the code. A block is a program: its
/// statements run as top-level statements (whatever order the page shows them in), its types beside them. What a
/// page's blocks assume but do not show (a variable, a helper) is declared once per page in an HTML comment that
/// starts with <c>&lt;!-- compile with</c>, which the rendered page hides.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string[] Usings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks", "Atasker", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging",
    ];

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string page in Pages())
        {
            for (int i = 0; i < CodeBlocks(File.ReadAllText(Path.Combine(Repository.Root, page))).Count; i++)
            {
                data.Add(page, i);
            }
        }

        return data;
    }

    [Fact]
    public void The_docs_have_csharp_blocks_to_check()
    {
        Assert.Contains("README.md", Pages());
        Assert.True(Blocks().Count() >= 10, $"only {Blocks().Count()} blocks found");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void A_csharp_block_compiles(string page, int index)
    {
        string text = File.ReadAllText(Path.Combine(Repository.Root, page));
        string block = CodeBlocks(text)[index];
        var (program, hasStatements) = Program(block, Prelude(text));
        var input = TestCompilation.Compile(
            TestCompilation.ParseOptions,
            hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            "DocsBlock",
            ExtraReferences.Value,
            program);
        var (output, _) = GeneratorHarness.Run(input);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
        Assert.True(errors.Length == 0, $"{page}, C# block {index + 1}:{Environment.NewLine}{block}{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    private static readonly Lazy<MetadataReference[]> ExtraReferences = new(() =>
        Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(path => Path.GetFileName(path) is var name
                && (name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name is "Atasker.Hosting.dll" or "Atasker.RabbitMQ.dll" or "RabbitMQ.Client.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());


    private static List<string> Pages() =>
        Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Select(path => Path.GetRelativePath(Repository.Root, path))
            .Prepend("README.md")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> CodeBlocks(string markdown) =>
        CodeBlock().Matches(markdown).Select(m => m.Groups["code"].Value).ToList();

    private static string Prelude(string markdown) =>
        string.Join(Environment.NewLine, PreludeComment().Matches(markdown).Select(m => m.Groups["code"].Value));

    /// <summary>The block's statements first (in a method of their own, so `await` works), then its types and the
    /// page's prelude.</summary>
    private static (string Source, bool HasStatements) Program(string block, string prelude)
    {
        var unit = CSharpSyntaxTree.ParseText(block, TestCompilation.ParseOptions).GetCompilationUnitRoot();
        var statements = unit.Members.OfType<GlobalStatementSyntax>().Select(s => s.ToFullString());
        var types = unit.Members.Where(m => m is not GlobalStatementSyntax).Select(m => m.ToFullString());
        var preludeUnit = CSharpSyntaxTree.ParseText(prelude, TestCompilation.ParseOptions).GetCompilationUnitRoot();
        var preludeStatements = preludeUnit.Members.OfType<GlobalStatementSyntax>().Select(s => s.ToFullString());
        // The prelude stands in for what other blocks of the page showed: a type the block declares itself is its own.
        var declared = unit.Members.OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.Text).ToHashSet();
        var preludeTypes = preludeUnit.Members
            .Where(m => m is not GlobalStatementSyntax && !(m is BaseTypeDeclarationSyntax t && declared.Contains(t.Identifier.Text)))
            .Select(m => m.ToFullString());
        // A block that only declares types is compiled with the prelude's statements, or as a library without any.
        bool hasStatements = preludeStatements.Any() || statements.Any();
        return (string.Join(Environment.NewLine, Usings.Select(u => $"using {u};")
            .Concat(unit.Usings.Select(u => u.ToFullString()))
            .Concat(preludeUnit.Usings.Select(u => u.ToFullString()))
            .Distinct()
            .Concat(preludeStatements)
            .Concat(statements)
            .Concat(types)
            .Concat(preludeTypes)), hasStatements);
    }

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"<!-- compile with\r?\n(?<code>.*?)-->", RegexOptions.Singleline)]
    private static partial Regex PreludeComment();
}
