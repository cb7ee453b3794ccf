using Atasker.CodeFixes;

namespace Atasker.Analyzers.Tests;

/// <summary>
/// The code fixes, through Roslyn's code-fix test harness: each fix is applied one diagnostic at a time and with Fix All
/// in the document, the project and the solution, and every result must equal the fixed code, which must compile
/// without a warning with the generator's output.
/// </summary>
public sealed class CodeFixTests
{
    [Fact]
    public async Task Make_partial_adds_partial_to_the_method()
    {
        await Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public static int {|ATSK0001:Build|}(int id) => id * 2;
            }
            """,
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public static partial int Build(int id) => id * 2;
            }
            """);
    }

    [Fact]
    public async Task Make_partial_fixes_the_type_and_every_enclosing_type()
    {
        await Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using Atasker;
            public static class {|ATSK0002:Outer|}
            {
                internal sealed class {|ATSK0002:Reports|}
                {
                    [BackgroundTask(Priority = TaskPriority.High)]
                    public partial int {|CS0751:{|CS0759:Build|}|}(int id) => id * 2;
                }
            }
            """,
            """
            using Atasker;
            public static partial class Outer
            {
                internal sealed partial class Reports
                {
                    [BackgroundTask(Priority = TaskPriority.High)]
                    public partial int Build(int id) => id * 2;
                }
            }
            """,
            iterations: 2);
    }

    [Fact]
    public async Task Make_partial_keeps_layout_when_there_was_no_modifier()
    {
        await Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using Atasker;
            partial class Reports
            {
                [BackgroundTask]
                void {|ATSK0001:Refresh|}() { }
            }
            """,
            """
            using Atasker;
            partial class Reports
            {
                [BackgroundTask]
                partial void Refresh() { }
            }
            """);
    }

    [Fact]
    public async Task Make_partial_fixes_every_method_of_a_document_at_once()
    {
        await Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public int {|ATSK0001:Build|}(int id) => id;

                [BackgroundWorker(Interval = 1)]
                public void {|ATSK0001:Refresh|}() { }
            }
            """,
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial int Build(int id) => id;

                [BackgroundWorker(Interval = 1)]
                public partial void Refresh() { }
            }
            """,
            iterations: 2);
    }

    [Fact]
    public async Task Async_void_becomes_async_task_in_every_part_the_user_wrote()
    {
        await Verify.CodeFixAsync<AsyncVoidCodeFix>(
            """
            using System.Threading.Tasks;
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial {|ATSK0004:void|} Refresh();

                public async partial void Refresh() => await Task.Delay(1);
            }
            """,
            """
            using System.Threading.Tasks;
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial Task Refresh();

                public async partial Task Refresh() => await Task.Delay(1);
            }
            """);
    }

    [Fact]
    public async Task Async_void_without_a_using_gets_a_qualified_task()
    {
        await Verify.CodeFixAsync<AsyncVoidCodeFix>(
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial {|ATSK0004:void|} Refresh();

                public async partial void Refresh() => await System.Threading.Tasks.Task.Delay(1);
            }
            """,
            """
            using Atasker;
            public partial class Reports
            {
                [BackgroundTask]
                public partial System.Threading.Tasks.Task Refresh();

                public async partial System.Threading.Tasks.Task Refresh() => await System.Threading.Tasks.Task.Delay(1);
            }
            """);
    }
}
