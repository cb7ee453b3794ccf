using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Atasker.Generators.Validation;

internal static partial class TaskMethodValidator
{
    /// <summary>The rules of <c>[BackgroundWorker]</c> alone: the worker type's settings, the body's return type and
    /// what it may take (the queue item first, then an optional token).</summary>
    private static void CheckWorker(IMethodSymbol method, MethodDeclarationSyntax declaration, AttributeData attribute, TaskMethodCheck check, CancellationToken cancellationToken)
    {
        var worker = check.Worker!.Value;
        var name = declaration.Identifier.GetLocation();
        Location Argument(string setting) => ArgumentLocation(attribute, setting, cancellationToken) ?? name;

        if (worker.Queue && worker.Event)
        {
            check.Report(DiagnosticDescriptors.QueueAndEvent, Argument("Event"), method.Name);
        }

        if (worker.Interval != 0)
        {
            if (worker.Delay != 0)
            {
                check.Report(DiagnosticDescriptors.IntervalConflict, Argument("Interval"), method.Name, "Delay", "Delay pauses after each execution ends");
            }

            if (worker.Queue)
            {
                check.Report(DiagnosticDescriptors.IntervalConflict, Argument("Interval"), method.Name, "Queue", "a queue worker runs once per item");
            }
            else if (worker.Event)
            {
                check.Report(DiagnosticDescriptors.IntervalConflict, Argument("Interval"), method.Name, "Event", "an event worker runs once per trigger");
            }
        }

        if (worker.Cron is not null)
        {
            string? other = worker.Queue ? "Queue" : worker.Event ? "Event" : worker.Interval != 0 ? "Interval" : null;
            if (other is not null)
            {
                check.Report(DiagnosticDescriptors.CronConflict, Argument("Cron"), method.Name, "Cron together with " + other, "Cron schedules executions at the expression's occurrences, while " + other switch
                {
                    "Queue" => "a queue worker runs once per item",
                    "Event" => "an event worker runs once per trigger",
                    _ => "Interval schedules them start to start",
                } + "; remove one of them");
            }
        }
        else if (worker.TimeZone is not null)
        {
            check.Report(DiagnosticDescriptors.CronConflict, Argument("TimeZone"), method.Name, "TimeZone without Cron", "TimeZone is the zone a Cron expression is read in; set Cron, or remove TimeZone");
        }

        CheckDuration(check, method.Name, attribute, "Interval", worker.Interval, cancellationToken);
        CheckDuration(check, method.Name, attribute, "Delay", worker.Delay, cancellationToken);
        CheckDuration(check, method.Name, attribute, "DelayBefore", worker.DelayBefore, cancellationToken);
        if (worker.QueueCapacity < 0)
        {
            check.Report(DiagnosticDescriptors.NegativeQueueCapacity, Argument("QueueCapacity"), method.Name, worker.QueueCapacity);
        }

        if (check.Arguments.Kind == KnownTypes.ProcessKind)
        {
            // Each execution is a process task: the same rules, except that an instance method is this rule's to name
            // (a worker of an instance lives in this process), and a generic method is GenericWorker's.
            if (!method.IsStatic)
            {
                check.Report(DiagnosticDescriptors.ProcessWorker, Argument("Kind"), method.Name);
            }

            CheckProcess(method, declaration, check, isWorker: true);
        }

        if (!method.IsStatic && method.ContainingType.IsValueType)
        {
            check.Report(DiagnosticDescriptors.StructInstanceWorker, name, method.Name, method.ContainingType.Name);
        }

        if (method.IsGenericMethod)
        {
            check.Report(DiagnosticDescriptors.GenericWorker, name, method.Name, WorkerPropertyNameOf(method.Name));
        }

        if (!IsWorkerReturn(method, check.Shape))
        {
            check.Report(DiagnosticDescriptors.WorkerReturnType, declaration.ReturnType.GetLocation(), method.Name, method.ReturnType.ToDisplayString());
        }

        int taken = method.Parameters.Length - (check.TakesCancellationToken ? 1 : 0);
        int allowed = worker.Queue ? 1 : 0;
        if (worker.Queue && taken == 0)
        {
            check.Report(DiagnosticDescriptors.QueueWithoutItem, name, method.Name);
        }

        if (taken > allowed)
        {
            var location = allowed < declaration.ParameterList.Parameters.Count ? declaration.ParameterList.Parameters[allowed].GetLocation() : name;
            check.Report(DiagnosticDescriptors.WorkerParameter, location, method.Parameters[allowed].Name, method.Name, worker.Queue ? "its queue item first " : "nothing ");
        }
    }

    /// <summary>void, bool, Task, Task&lt;bool&gt;, ValueTask or ValueTask&lt;bool&gt;.</summary>
    private static bool IsWorkerReturn(IMethodSymbol method, MethodShape shape) => shape switch
    {
        MethodShape.Void or MethodShape.Task or MethodShape.ValueTask => true,
        MethodShape.Value or MethodShape.TaskOfT or MethodShape.ValueTaskOfT =>
            !method.ReturnsByRef && !method.ReturnsByRefReadonly && ResultTypeOf(method, shape)?.SpecialType == SpecialType.System_Boolean,
        _ => false,
    };
}
