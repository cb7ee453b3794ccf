using Atasker.CodeFixes;
using Atasker.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Atasker.Analyzers.Tests;

public sealed class CodeFixTests
{
    [Fact]
    public async Task Make_partial_adds_partial_to_the_method()
    {
        var fixedCode = await FixAllAsync(
            new MakePartialCodeFix(),
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public static int Build(int id) => id * 2;
            }
            """);

        Assert.Contains("public static partial int Build(int id)", fixedCode, StringComparison.Ordinal);
        AssertCompilesCleanly(fixedCode);
    }

    [Fact]
    public async Task Make_partial_fixes_the_type_and_every_enclosing_type()
    {
        var fixedCode = await FixAllAsync(
            new MakePartialCodeFix(),
            """
            using Atasker;
            public static class Outer
            {
                internal sealed class Reports
                {
                    [BackgroundTask(Priority = TaskPriority.High)]
                    public partial int Build(int id) => id * 2;
                }
            }
            """);

        Assert.Contains("public static partial class Outer", fixedCode, StringComparison.Ordinal);
        Assert.Contains("internal sealed partial class Reports", fixedCode, StringComparison.Ordinal);
        AssertCompilesCleanly(fixedCode);
    }

    [Fact]
    public async Task Make_partial_keeps_layout_when_there_was_no_modifier()
    {
        var fixedCode = await FixAllAsync(
            new MakePartialCodeFix(),
            """
            using Atasker;
            partial class Reports
            {
                [BackgroundTask]
                void Refresh() { }
            }
            """);

        Assert.Contains("    [BackgroundTask]\n    partial void Refresh() { }", fixedCode.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        AssertCompilesCleanly(fixedCode);
    }

    [Fact]
    public async Task Async_void_becomes_async_task_in_every_part_the_user_wrote()
    {
        var fixedCode = await FixAllAsync(
            new AsyncVoidCodeFix(),
            """
            using System.Threading.Tasks;
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial void Refresh();

                public async partial void Refresh() => await Task.Delay(1);
            }
            """);

        Assert.Contains("public partial Task Refresh();", fixedCode, StringComparison.Ordinal);
        Assert.Contains("public async partial Task Refresh()", fixedCode, StringComparison.Ordinal);
        AssertCompilesCleanly(fixedCode);
    }

    [Fact]
    public async Task Async_void_without_a_using_gets_a_qualified_task()
    {
        var fixedCode = await FixAllAsync(
            new AsyncVoidCodeFix(),
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial void Refresh();

                public async partial void Refresh() => await System.Threading.Tasks.Task.Delay(1);
            }
            """);

        Assert.Contains("public partial System.Threading.Tasks.Task Refresh();", fixedCode, StringComparison.Ordinal);
        AssertCompilesCleanly(fixedCode);
    }

    /// <summary>Applies <paramref name="fix"/> to the first diagnostic it can fix, again and again, re-analysing the
    /// new text each time (as a user clicking the light bulb would), and returns the final text.</summary>
    private static async Task<string> FixAllAsync(CodeFixProvider fix, string code)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Consumer",
            "Consumer",
            LanguageNames.CSharp,
            compilationOptions: TestCompilation.Compile().Options,
            parseOptions: TestCompilation.ParseOptions,
            metadataReferences: TestCompilation.References));
        var document = workspace.AddDocument(project.Id, "Source0.cs", SourceText.From(code));

        for (int round = 0; round < 10; round++)
        {
            var text = (await document.GetTextAsync()).ToString();
            var diagnostic = (await AnalyzerHarness.DiagnosticsAsync(text)).FirstOrDefault(d => fix.FixableDiagnosticIds.Contains(d.Id));
            if (diagnostic is null)
            {
                Assert.True(round > 0, "The code had nothing for this fix to do.");
                return text;
            }

            var actions = new List<CodeAction>();
            await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            var action = Assert.Single(actions);
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            document = solution.GetDocument(document.Id)!;
        }

        throw new InvalidOperationException("The fix did not converge in 10 rounds.");
    }

    private static void AssertCompilesCleanly(string code)
    {
        var compilation = AnalyzerHarness.WithGeneratedCode(TestCompilation.Compile(code));

        Assert.Empty(TestCompilation.Problems(compilation));
        Assert.Empty(AnalyzerHarness.DiagnosticsAsync(code).GetAwaiter().GetResult());
    }
}
