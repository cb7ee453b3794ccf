using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>The named arguments of a <c>[BackgroundTask]</c> attribute, with the attribute's defaults.</summary>
/// <param name="Priority">TaskPriority as a number (default Normal = 1).</param>
/// <param name="Kind">TaskKind as a number, or null when not set (the body decides).</param>
/// <param name="Loop">The async loop's name, or null.</param>
/// <param name="Delay">Seconds before the task is queued.</param>
internal readonly record struct TaskAttributeArguments(int Priority, int? Kind, string? Loop, double Delay)
{
    public static TaskAttributeArguments Read(AttributeData attribute)
    {
        int priority = 1;
        int? kind = null;
        string? loop = null;
        double delay = 0;
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value.Value;
            switch (argument.Key)
            {
                case "Priority" when value is int number: priority = number; break;
                case "Kind" when value is int number: kind = number; break;
                case "Loop": loop = value as string; break;
                case "Delay" when value is double seconds: delay = seconds; break;
            }
        }

        return new TaskAttributeArguments(priority, kind, loop, delay);
    }
}
