using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Atasker.Generators.Tests;

public sealed class CachingTests
{
    private const string First = """
        using Atasker;
        namespace Demo;
        public partial class First
        {
            [BackgroundTask(Priority = TaskPriority.High)]
            public partial int One(int value) => value * 2;
        }
        """;

    private const string Second = """
        using System.Threading.Tasks;
        using Atasker;
        namespace Demo;
        public partial class Second
        {
            [BackgroundTask(Loop = "io")]
            public static async partial Task<int> TwoAsync(string text)
            {
                await Task.Yield();
                return text.Length;
            }
        }
        """;

    private const string Unrelated = """
        namespace Other;
        public class Unrelated { }
        """;

    private static readonly string[] TrackedSteps = [TrackingNames.TaskMethods, TrackingNames.ValidTaskMethods];

    [Fact]
    public void An_edit_in_an_unrelated_file_leaves_every_step_cached()
    {
        var result = RunTwice(tree => tree.FilePath == "Source2.cs" ? "namespace Other; public class Unrelated { public int Field; }" : null);

        AssertNothingChanged(result);
    }

    [Fact]
    public void An_edit_inside_a_method_body_changes_no_model_and_emits_nothing_again()
    {
        var result = RunTwice(tree => tree.FilePath == "Source0.cs" ? First.Replace("value * 2", "value * 3", StringComparison.Ordinal) : null);

        AssertNothingChanged(result);
    }

    [Fact]
    public void An_edit_inside_an_async_body_changes_no_model_and_emits_nothing_again()
    {
        var result = RunTwice(tree => tree.FilePath == "Source1.cs" ? Second.Replace("await Task.Yield();", "await Task.Delay(5);", StringComparison.Ordinal) : null);

        AssertNothingChanged(result);
    }

    [Fact]
    public void Changing_the_loop_of_an_async_task_re_emits_only_that_method()
    {
        var result = RunTwice(tree => tree.FilePath == "Source1.cs" ? Second.Replace("\"io\"", "\"db\"", StringComparison.Ordinal) : null);

        var outputs = result.TrackedSteps[TrackingNames.ValidTaskMethods].SelectMany(step => step.Outputs).ToList();
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Cached);
        var emitted = result.GeneratedSources.Single(source => source.HintName.Contains("TwoAsync", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("loop: \"db\"", emitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_one_attribute_re_emits_only_that_method()
    {
        var result = RunTwice(tree => tree.FilePath == "Source0.cs" ? First.Replace("TaskPriority.High", "TaskPriority.Low", StringComparison.Ordinal) : null);

        var outputs = result.TrackedSteps[TrackingNames.ValidTaskMethods].SelectMany(step => step.Outputs).ToList();
        var changed = Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("One", ((dynamic)changed.Value).MethodName as string, StringComparison.Ordinal);
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Cached);

        var emitted = result.GeneratedSources.Single(source => source.HintName.Contains("One", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("TaskPriority.Low", emitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_a_task_method_adds_one_file_and_keeps_the_others_cached()
    {
        const string third = """
            using Atasker;
            namespace Demo;
            public partial class Third { [BackgroundTask] public partial long Three() => 3; }
            """;
        var compilation = GeneratorHarness.Compile(First, Second, Unrelated);
        var (_, driver) = GeneratorHarness.Run(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(third, GeneratorHarness.ParseOptions, path: "Source3.cs")));
        var result = driver.GetRunResult().Results.Single();

        var outputs = result.TrackedSteps[TrackingNames.ValidTaskMethods].SelectMany(step => step.Outputs).ToList();
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.New);
        Assert.Equal(2, outputs.Count(output => output.Reason == IncrementalStepRunReason.Cached));
        Assert.Equal(3, result.GeneratedSources.Length);
    }

    /// <summary>Runs the generator, applies <paramref name="edit"/> (new text for a tree, or null to keep it), and runs
    /// it again with the same driver.</summary>
    private static GeneratorRunResult RunTwice(Func<SyntaxTree, string?> edit)
    {
        var compilation = GeneratorHarness.Compile(First, Second, Unrelated);
        var (_, driver) = GeneratorHarness.Run(compilation);

        var edited = compilation;
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (edit(tree) is { } text)
            {
                edited = edited.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: tree.FilePath));
            }
        }

        driver = driver.RunGenerators(edited);
        return driver.GetRunResult().Results.Single();
    }

    /// <summary>Every tracked step reused its value (Cached) or recomputed an equal one (Unchanged), and no source
    /// output ran again.</summary>
    private static void AssertNothingChanged(GeneratorRunResult result)
    {
        foreach (var step in TrackedSteps)
        {
            var reasons = result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(
                reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step {step} was {reason}."));
        }

        var outputs = result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }
}
