using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Atasker.Generators.Tests;

/// <summary>The <c>XWorker</c> properties: every worker type and body shape, instance and static, snapshots, a clean
/// compile, and caching.</summary>
public sealed class WorkerGeneratorTests
{
    private static readonly string[] Files =
    [
        "Demo.Station.Poll.Worker",
        "Demo.Station.Refresh_System.Threading.CancellationToken.Worker",
        "Demo.Station.SweepAsync_System.Threading.CancellationToken.Worker",
        "Demo.Station.AlarmAsync.Worker",
        "Demo.Station.SendAsync_string_System.Threading.CancellationToken.Worker",
        "Demo.Station.Audit__int_Id__string_Text.Worker",
        "Demo.Janitor.Clean.Worker",
        "Demo.Station.Report_System.Threading.CancellationToken.Worker",
        "Demo.Station.PollFeedsAsync.Worker",
    ];

    public static TheoryData<string> ExpectedFiles => new(Files);

    [Fact]
    public void Generated_workers_compile_with_no_warnings_or_errors_and_no_ATSK_diagnostic()
    {
        var (output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.WorkerUses));

        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Every_worker_method_gets_exactly_one_file()
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.WorkerUses));

        Assert.Equal(Files.Order(), GeneratorHarness.Generated(driver).Keys.Select(hint => hint[..^".g.cs".Length]).Order());
    }

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Generated_worker_matches_the_snapshot(string file)
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.WorkerUses));

        Snapshot.Verify(file, GeneratorHarness.Generated(driver)[file + ".g.cs"]);
    }

    [Fact]
    public void Worker_properties_are_documented()
    {
        var options = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var (output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(options, TestSources.WorkerUses), GeneratorHarness.CreateDriver(options));

        var missing = output.GetDiagnostics()
            .Where(diagnostic => diagnostic.Id == "CS1591" && diagnostic.GetMessage().Contains("Worker", StringComparison.Ordinal))
            .Select(diagnostic => diagnostic.ToString())
            .ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void A_method_with_an_error_gets_a_property_that_throws_so_its_uses_keep_compiling()
    {
        const string invalid = """
            using Atasker;
            namespace Demo;
            public partial class Broken
            {
                [BackgroundWorker(Queue = true)]
                public partial void Take() { }

                public void Use() => TakeWorker.Put(new object());
            }
            """;
        var (output, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(invalid));

        Assert.Empty(GeneratorHarness.Problems(output));
        var text = Assert.Single(GeneratorHarness.Generated(driver).Values);
        Assert.Contains("QueueWorker<object> TakeWorker", text, StringComparison.Ordinal);
        Assert.Contains("until error ATSK0019 is fixed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_with_both_attributes_is_declared_once()
    {
        const string both = """
            using Atasker;
            namespace Demo;
            public partial class Both
            {
                [BackgroundTask, BackgroundWorker]
                public partial void Run() { }
            }
            """;
        var (output, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(both));

        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Equal(2, GeneratorHarness.Generated(driver).Count);
    }

    private const string First = """
        using Atasker;
        namespace Demo;
        public partial class First
        {
            [BackgroundWorker(Interval = 5)]
            public partial void Tick() { System.Console.WriteLine(1); }
        }
        """;

    private const string Second = """
        using System.Threading.Tasks;
        using Atasker;
        namespace Demo;
        public partial class Second
        {
            [BackgroundWorker(Queue = true)]
            public static async partial Task Take(int item) => await Task.Yield();
        }
        """;

    [Fact]
    public void An_edit_inside_a_worker_body_leaves_every_step_cached()
    {
        var result = RunTwice("Source0.cs", First.Replace("WriteLine(1)", "WriteLine(2)", StringComparison.Ordinal));

        foreach (var step in new[] { TrackingNames.WorkerMethods, TrackingNames.ValidWorkerMethods })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(run => run.Outputs), output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {step} was {output.Reason}."));
        }
    }

    [Fact]
    public void Changing_a_cron_expression_re_emits_only_that_worker()
    {
        const string cron = """
            using Atasker;
            namespace Demo;
            public partial class First
            {
                [BackgroundWorker(Cron = "0 * * * *")]
                public partial void Tick() { System.Console.WriteLine(1); }
            }
            """;
        var result = RunTwice("Source0.cs", cron.Replace("0 * * * *", "15 * * * *", StringComparison.Ordinal), first: cron);

        var outputs = result.TrackedSteps[TrackingNames.ValidWorkerMethods].SelectMany(step => step.Outputs).ToList();
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Cached);
        var emitted = result.GeneratedSources.Single(source => source.HintName.Contains("Tick", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("new global::Atasker.CronWorker(\"First.Tick\", \"15 * * * *\",", emitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_one_workers_interval_re_emits_only_that_worker()
    {
        var result = RunTwice("Source0.cs", First.Replace("Interval = 5", "Interval = 7", StringComparison.Ordinal));

        var outputs = result.TrackedSteps[TrackingNames.ValidWorkerMethods].SelectMany(step => step.Outputs).ToList();
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Cached);
        var emitted = result.GeneratedSources.Single(source => source.HintName.Contains("Tick", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("FromSeconds(7D)", emitted, StringComparison.Ordinal);
    }

    private static GeneratorRunResult RunTwice(string path, string text, string first = First)
    {
        var compilation = GeneratorHarness.Compile(first, Second);
        var (_, driver) = GeneratorHarness.Run(compilation);
        var tree = compilation.SyntaxTrees.Single(tree => tree.FilePath == path);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: path));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }
}
