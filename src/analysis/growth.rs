//! Rules whose work grows as a power of their input: loops inside loops (`sum a in l: sum b in
//! l: ...`), and functions that loop over calls of functions that loop (a fan of calls). Such a
//! rule passes every other check and its tests on small data, then takes hours on a real
//! record; the evaluation budget stops it (see `eval::budget`), and this warns before.
//!
//! The power of an expression is the depth of loops one inside another, through the
//! functions it calls. A named value is computed once per record, so reading one inside a loop
//! adds nothing; and a loop over a part of an element (`sum k in keys(a.users_per_day)` inside
//! a loop over agents) walks the data once in all, so it adds nothing either.

use rustc_hash::FxHashMap;

use crate::diagnostic::{Diag, Diags};
use crate::ir::builtins::Builtin;
use crate::ir::{Expr, FnId, GlobalDef, Program};
use crate::source::Span;

/// Loops this deep, one inside another, are warned of: the shipped rules go 2 deep (the
/// customers, then their months), and 3 deep is a cube of the data's length.
const WARN_AT: u32 = 3;

pub(crate) fn check(program: &Program, diags: &mut Diags) {
    let mut powers = Powers {
        program,
        functions: FxHashMap::default(),
    };
    // Which functions are called by a function that is already too deep: only the outermost
    // of a fan is warned of.
    let mut called_deep = vec![false; program.functions.len()];
    let mut definitions: Vec<(&str, Span, &Expr, Option<FnId>)> = Vec::new();
    for (i, function) in program.functions.iter().enumerate() {
        definitions.push((
            &function.name,
            function.span,
            &function.body.expr,
            Some(FnId(i as u32)),
        ));
        // Each dated version is judged as well: the one in force may be the one that loops.
        for version in &function.later {
            definitions.push((
                &function.name,
                version.span,
                &version.value.expr,
                Some(FnId(i as u32)),
            ));
        }
    }
    for global in program.globals.iter().filter(|g| !g.hidden) {
        if let GlobalDef::Let(variants) = &global.def {
            for variant in variants {
                definitions.push((&global.name, variant.span, &variant.value.expr, None));
            }
        }
    }
    let mut deep = Vec::new();
    for (name, span, expr, function) in definitions {
        let growth = powers.of(expr);
        if growth.power >= WARN_AT && growth.own_loops {
            if function.is_some() {
                for callee in calls(expr) {
                    called_deep[callee.0 as usize] = true;
                }
            }
            deep.push((name, span, growth.power, function));
        }
    }
    for (name, span, power, function) in deep {
        if function.is_some_and(|f| called_deep[f.0 as usize]) {
            continue;
        }
        diags.push(
            Diag::warning(
                crate::diagnostic::Code::WorkGrowsAsAPower,
                span,
                format!(
                    "the work of `{name}` grows as the {} power of its lists' length: {power} loops run one inside another",
                    ordinal(power)
                ),
            )
            .label("loops nested here, directly or through the functions it calls")
            .help(
                "a loop inside a loop does its work for every pair of elements; compute what \
                 does not depend on the outer element once, in a `let` outside the loop, or \
                 walk the list once; a record that needs too much work fails (see --max-steps)",
            ),
        );
    }
}

#[derive(Clone, Copy, Default)]
struct Growth {
    /// The depth of loops one inside another.
    power: u32,
    /// Whether the expression has loops of its own, not only through the functions it calls.
    own_loops: bool,
}

struct Powers<'p> {
    program: &'p Program,
    functions: FxHashMap<FnId, Option<u32>>,
}

impl Powers<'_> {
    fn of(&mut self, expr: &Expr) -> Growth {
        let mut growth = Growth::default();
        let mut children = Vec::new();
        match expr {
            Expr::Filter {
                list,
                condition: body,
                ..
            }
            | Expr::Binder { list, body, .. } => {
                let inner = self.of(body);
                let multiplies = !part_of_a_value_at_hand(list);
                growth.power = inner.power + u32::from(multiplies);
                growth.own_loops = multiplies || inner.own_loops;
                children.push(&**list);
            }
            Expr::CallFn { function, args, .. } => {
                growth.power = self.function(*function);
                children.extend(args);
            }
            other => other.children_into(&mut children),
        }
        for child in children {
            let inner = self.of(child);
            growth.power = growth.power.max(inner.power);
            growth.own_loops |= inner.own_loops;
        }
        growth
    }

    fn function(&mut self, id: FnId) -> u32 {
        match self.functions.get(&id) {
            Some(Some(power)) => return *power,
            // A call back into a function in progress: the checker reports it elsewhere.
            Some(None) => return 0,
            None => {}
        }
        self.functions.insert(id, None);
        // A call may reach any version, depending on the day: the deepest counts.
        let function = self.program.function(id);
        let power = std::iter::once(&function.body)
            .chain(function.later.iter().map(|v| &v.value))
            .map(|body| self.of(&body.expr).power)
            .max()
            .unwrap_or(0);
        self.functions.insert(id, Some(power));
        power
    }
}

/// Whether `list` is a part of a loop's element or a function's argument: the lists of nested
/// data, which a loop inside a loop walks once in all.
fn part_of_a_value_at_hand(list: &Expr) -> bool {
    match list {
        Expr::Local(_) => true,
        Expr::Field(e, _) | Expr::Project(e, _) | Expr::MapGet { map: e, .. } => {
            part_of_a_value_at_hand(e)
        }
        Expr::Filter { list, .. } => part_of_a_value_at_hand(list),
        Expr::Call {
            builtin: Builtin::Keys | Builtin::Values | Builtin::Unique,
            args,
            ..
        } => part_of_a_value_at_hand(&args[0]),
        _ => false,
    }
}

/// The functions `expr` calls directly.
fn calls(expr: &Expr) -> Vec<FnId> {
    let mut out = Vec::new();
    expr.walk(&mut |e| {
        if let Expr::CallFn { function, .. } = e {
            out.push(*function);
        }
    });
    out
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
