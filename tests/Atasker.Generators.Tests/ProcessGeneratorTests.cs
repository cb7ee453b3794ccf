using Atasker.Generators.Tasks;
using Atasker.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Atasker.Generators.Tests;

public sealed class ProcessGeneratorTests
{
    public const string Library = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Atasker;

        namespace Demo
        {
            public enum Mode : byte { Fast, Exact }

            public static partial class MathTasks
            {
                [BackgroundTask(Kind = TaskKind.Process)]
                public static partial long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

                [BackgroundTask(Kind = TaskKind.Process, Priority = TaskPriority.High)]
                internal static partial async Task<List<double>?> ScaleAsync(double[] values, Mode mode, decimal? factor, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    return null;
                }

                [BackgroundTask(Kind = TaskKind.Process, Delay = 1)]
                private static partial void Log(string? message, DateTimeOffset at, Guid id) { }

                public static TaskHandle StartLogForTest(string? message) => StartLog(message, DateTimeOffset.UnixEpoch, Guid.Empty);
            }

            /// <summary>Workers whose executions are process tasks.</summary>
            public static partial class Jobs
            {
                [BackgroundWorker(Queue = true, QueueCapacity = 8, Kind = TaskKind.Process, Priority = TaskPriority.High)]
                public static partial bool Index(string? path) => path is not null;

                [BackgroundWorker(Interval = 30, DelayBefore = 1, Kind = TaskKind.Process)]
                internal static partial async Task RefreshAsync(CancellationToken cancellationToken) => await Task.Yield();

                [BackgroundWorker(Cron = "*/5 * * * *", TimeZone = "Europe/Berlin", Kind = TaskKind.Process, Name = "rotate logs")]
                public static partial void Rotate() { }
            }
        }
        """;

    private const string App = """
        using Atasker;
        namespace Demo.App;
        public static class Program
        {
            public static void Main() => System.Console.WriteLine(Demo.MathTasks.StartFib(10).Wait());
        }
        """;

    public static TheoryData<string> LibraryFiles => new(
        "Demo.MathTasks.Fib(int)",
        "Demo.MathTasks.ScaleAsync(double[],Demo.Mode,decimal_,System.Threading.CancellationToken)",
        "Demo.MathTasks.Log(string_,System.DateTimeOffset,System.Guid)",
        "Atasker.ProcessTasks",
        "Demo.Jobs.Index(string_).Worker",
        "Demo.Jobs.RefreshAsync(System.Threading.CancellationToken).Worker",
        "Demo.Jobs.Rotate.Worker");

    [Fact]
    public void Process_tasks_compile_with_no_warnings_or_errors()
    {
        var (output, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(Library));

        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Equal(7, GeneratorHarness.Generated(driver).Count);
    }

    [Theory]
    [MemberData(nameof(LibraryFiles))]
    public void Process_task_text_matches_the_snapshot(string file)
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(Library));
        const string worker = ".Worker";
        string method = file.EndsWith(worker, StringComparison.Ordinal) ? file[..^worker.Length] : file;
        string name = new string(method.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_').ToArray()).TrimEnd('_') + (method.Length < file.Length ? worker : "");

        Snapshot.Verify("Process." + name, GeneratorHarness.Generated(driver)[name + ".g.cs"]);
    }

    [Fact]
    public void An_app_gets_a_worker_entry_that_registers_its_referenced_libraries_dispatchers()
    {
        var library = RunAndEmit(TestCompilation.Compile(GeneratorHarness.ParseOptions, OutputKind.DynamicallyLinkedLibrary, "Demo.Library", [], Library));
        var app = TestCompilation.Compile(GeneratorHarness.ParseOptions, OutputKind.ConsoleApplication, "Demo.App", [library], App);

        var (output, driver) = GeneratorHarness.Run(app);

        Assert.Empty(GeneratorHarness.Problems(output));
        var generated = GeneratorHarness.Generated(driver);
        Assert.Equal([ProcessDispatchEmitter.WorkerEntryHintName], generated.Keys);
        Snapshot.Verify("Process.App.WorkerEntry", generated[ProcessDispatchEmitter.WorkerEntryHintName]);
    }

    [Fact]
    public void A_library_without_process_tasks_and_an_app_without_any_get_no_dispatcher_or_entry()
    {
        var (_, library) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.ValidUses));
        var (_, app) = GeneratorHarness.Run(TestCompilation.Compile(GeneratorHarness.ParseOptions, OutputKind.ConsoleApplication, "App", [], "class P { static void Main() { } }"));

        Assert.DoesNotContain(ProcessDispatchEmitter.DispatcherHintName, GeneratorHarness.Generated(library).Keys);
        Assert.Empty(GeneratorHarness.Generated(app));
    }

    [Fact]
    public void The_method_id_is_fnv1a_of_the_full_signature_and_stable()
    {
        Assert.Equal(Fnv1a("global::Demo.MathTasks.Fib(int)"), TaskGenerator.Parser.Fnv1a64("global::Demo.MathTasks.Fib(int)"));
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(Library));

        Assert.Contains($"0x{Fnv1a("global::Demo.MathTasks.Fib(int)"):x16}UL", GeneratorHarness.Generated(driver)["Demo.MathTasks.Fib_int.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_process_steps_cached()
    {
        var compilation = GeneratorHarness.Compile(Library, "namespace Other; public class Unrelated { }");
        var (_, driver) = GeneratorHarness.Run(compilation);
        var tree = compilation.SyntaxTrees.Last();

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { int _x; }", GeneratorHarness.ParseOptions, path: tree.FilePath)));
        var result = driver.GetRunResult().Results.Single();

        foreach (var step in new[] { TrackingNames.ProcessDispatchEntries, TrackingNames.Assembly })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(run => run.Outputs), output =>
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {output.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void An_edit_inside_a_process_worker_s_body_changes_no_model_and_no_output()
    {
        var compilation = GeneratorHarness.Compile(Library);
        var (_, driver) = GeneratorHarness.Run(compilation);
        var tree = compilation.SyntaxTrees.Single();
        string edited = Library.Replace("public static partial void Rotate() { }", "public static partial void Rotate() { System.Console.WriteLine(\"rotated\"); }", StringComparison.Ordinal);
        Assert.NotEqual(Library, edited);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, path: tree.FilePath)));
        var result = driver.GetRunResult().Results.Single();

        foreach (var step in new[] { TrackingNames.ValidWorkerMethods, TrackingNames.ProcessDispatchEntries })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(run => run.Outputs), output =>
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {output.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs), output =>
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output was {output.Reason}"));
    }

    private static MetadataReference RunAndEmit(Compilation compilation)
    {
        var (output, _) = GeneratorHarness.Run(compilation);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211;
        }

        return hash;
    }
}
