using Atasker.Testing;
using System.Reflection;
using System.Text;

namespace Atasker.Generators.Tests;

/// <summary>
/// The public API of each shipped assembly is tracked in <c>src/&lt;project&gt;/PublicAPI.txt</c>: one line per public
/// type and member, sorted. A change to the API fails here until the file is updated (run the tests with
/// <c>ATASKER_ACCEPT_SNAPSHOTS=1</c> and review the diff), so no API changes by accident.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Projects() => new() { "Atasker.Runtime", "Atasker.Hosting", "Atasker.RabbitMQ" };

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_public_API_is_the_one_tracked(string project)
    {
        var assembly = project switch
        {
            "Atasker.Runtime" => typeof(TaskSupervisor).Assembly,
            "Atasker.Hosting" => typeof(Microsoft.Extensions.DependencyInjection.AtaskerServiceCollectionExtensions).Assembly,
            _ => typeof(RabbitMqOptions).Assembly,
        };
        string actual = string.Join("\n", DescribeSorted(assembly)) + "\n";
        string path = Path.Combine(Repository.Root, "src", project, "PublicAPI.txt");
        if (Environment.GetEnvironmentVariable("ATASKER_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with ATASKER_ACCEPT_SNAPSHOTS=1 to create it.");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        var added = actual.Split('\n').Except(expected.Split('\n')).ToList();
        var removed = expected.Split('\n').Except(actual.Split('\n')).ToList();
        Assert.True(
            added.Count == 0 && removed.Count == 0,
            $"The public API of {project} changed; if intended, accept it with ATASKER_ACCEPT_SNAPSHOTS=1.\nadded:\n  {string.Join("\n  ", added)}\nremoved:\n  {string.Join("\n  ", removed)}");
    }

    private static IEnumerable<string> Describe(Assembly assembly)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes())
        {
            yield return $"{Kind(type)} {Name(type)}{Bases(type)}";
            foreach (var member in type.GetMembers(Declared))
            {
                if (Describe(member) is { } line)
                {
                    yield return $"{Name(type)}.{line}";
                }
            }
        }
    }

    private static IEnumerable<string> DescribeSorted(Assembly assembly) => Describe(assembly).Order(StringComparer.Ordinal);

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c when Visible(c) => $"{(c.IsStatic ? "static " : "")}.ctor({Parameters(c)})",
        MethodInfo m when Visible(m) && !m.IsSpecialName => $"{Modifiers(m)}{m.Name}{Generic(m)}({Parameters(m)}) -> {Name(m.ReturnType)}",
        MethodInfo m when Visible(m) && m.Name.StartsWith("op_", StringComparison.Ordinal) => $"static {m.Name}({Parameters(m)}) -> {Name(m.ReturnType)}",
        PropertyInfo p when p.GetMethod is { } g && Visible(g) || p.SetMethod is { } s && Visible(s) =>
            $"{Modifiers((p.GetMethod ?? p.SetMethod)!)}{p.Name}{(p.GetIndexParameters() is { Length: > 0 } index ? $"[{string.Join(", ", index.Select(i => Name(i.ParameterType)))}]" : "")} : {Name(p.PropertyType)} {{{(p.GetMethod is { } get && Visible(get) ? " get;" : "")}{(p.SetMethod is { } set && Visible(set) ? (set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? " init;" : " set;") : "")} }}",
        EventInfo e when e.AddMethod is { } add && Visible(add) => $"{Modifiers(add)}event {e.Name} : {Name(e.EventHandlerType!)}",
        FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{f.Name} : {Name(f.FieldType)}{(f.IsLiteral ? $" = {f.GetRawConstantValue()}" : "")}",
        _ => null,
    };

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static string Modifiers(MethodInfo m) =>
        (m.IsStatic ? "static " : "") + (m.IsAbstract ? "abstract " : m.IsVirtual && !m.IsFinal && m.GetBaseDefinition() == m ? "virtual " : m.GetBaseDefinition() != m ? "override " : "") + (m.IsFamily ? "protected " : "");

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)} {p.Name}{(p.HasDefaultValue ? $" = {p.DefaultValue ?? "null"}" : "")}"));

    private static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(t) ? "delegate"
        : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";

    private static string Bases(Type t)
    {
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && b != typeof(MulticastDelegate))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(t.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Name(Type t)
    {
        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[]";
        }

        string name = t.IsNested ? $"{Name(t.DeclaringType!)}.{t.Name}" : $"{t.Namespace}.{t.Name}";
        if (t.IsGenericType)
        {
            name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }
}
