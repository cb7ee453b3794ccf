using System;
using System.ComponentModel;

namespace Atasker.CompilerServices;

/// <summary>
/// Names the generated dispatcher of an assembly's process tasks, so that an executable referencing the assembly
/// registers it for its worker processes (without reflection). Written by the generator.
/// </summary>
/// <param name="dispatcherType">The generated static class with the <c>Dispatch</c> method.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class ProcessTasksAttribute(Type dispatcherType) : Attribute
{
    /// <summary>The generated dispatcher class.</summary>
    public Type DispatcherType { get; } = dispatcherType;
}
