pub fn plan_markdown(_p: &infra_engine::plan::Plan) -> String { String::new() }
