//! The import test corpus: proposal workbooks (and CSV files) made here the
//! way street-office clerks make them (Chinese headers in their own order,
//! title, totals and signature rows, merged and hidden cells, costs written
//! every way, a first sheet of instructions), each with what the clerk meant
//! and what the loader must do: read exactly that, or refuse with a message
//! naming the row, the column and the header as written.
//!
//! And the promise to the clerk, checked on every case with the real
//! binary: `hub check` never answers OK for a file it read differently from
//! what the clerk wrote.

use std::path::{Path, PathBuf};
use std::process::Command;

use hub::documents::definition::{load_with, Options};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

/// A cell as the clerk typed it.
#[derive(Clone)]
enum C {
    S(&'static str),
    N(f64),
    /// A date cell (Excel turned what was typed into a date).
    Date(u16, u8, u8),
    /// A formula with its saved result, or none (a file written by a
    /// program that does not compute formulas).
    F(&'static str, Option<&'static str>),
    Blank,
}

use C::*;

#[derive(Clone, Default)]
struct Sheet {
    name: &'static str,
    rows: Vec<Vec<C>>,
    hidden_rows: Vec<u32>,
    hidden_columns: Vec<u16>,
    /// (first row, last row, column, text): one column merged over rows.
    merges: Vec<(u32, u32, u16, &'static str)>,
    hidden: bool,
}

fn sheet(name: &'static str, rows: Vec<Vec<C>>) -> Sheet {
    Sheet { name, rows, ..Default::default() }
}

fn write_book(path: &Path, sheets: &[Sheet]) {
    let mut book = Workbook::new();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(s.name).unwrap();
        // A formula "with no result": rust_xlsxwriter writes 0 unless told
        // to leave results empty.
        if s.rows.iter().flatten().any(|c| matches!(c, F(_, Some("")))) {
            ws.set_formula_result_default("");
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    S(t) => {
                        ws.write_string(r, c, *t).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    Date(y, m, d) => {
                        let date = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &date, &Format::new().set_num_format("yyyy/m/d")).unwrap();
                    }
                    F(f, result) => {
                        let mut formula = Formula::new(*f);
                        if let Some(v) = result {
                            formula = formula.set_result(*v);
                        }
                        ws.write_formula(r, c, formula).unwrap();
                    }
                    Blank => {}
                }
            }
        }
        for (r1, r2, c, text) in &s.merges {
            ws.merge_range(*r1, *c, *r2, *c, text, &Format::new()).unwrap();
        }
        for r in &s.hidden_rows {
            ws.set_row_hidden(*r).unwrap();
        }
        for c in &s.hidden_columns {
            ws.set_column_hidden(*c).unwrap();
        }
        if s.hidden {
            ws.set_hidden(true);
        }
    }
    book.save(path).unwrap();
}

/// What the clerk meant: (id, title, cost in yuan, category).
type Meant = Vec<(&'static str, &'static str, u64, &'static str)>;

enum Expect {
    /// Read exactly as meant; the preview or the warnings hold these.
    Reads(&'static [&'static str]),
    /// Refused; the message holds these.
    Refused(&'static [&'static str]),
}

struct Case {
    name: &'static str,
    file: PathBuf,
    sheet: Option<&'static str>,
    meant: Meant,
    expect: Expect,
}

const HEADER: [&str; 5] = ["编号", "项目名称", "类别", "估算金额", "备注"];

fn header(cols: &[&'static str]) -> Vec<C> {
    cols.iter().map(|c| S(c)).collect()
}

/// Six proposals in yuan, the plain case every other case varies.
fn plain_rows() -> Vec<Vec<C>> {
    let mut rows = vec![header(&HEADER)];
    for (id, title, cat, cost) in plain() {
        rows.push(vec![S(id), S(title), S(cat), N(cost as f64), Blank]);
    }
    rows
}

fn plain() -> Vec<(&'static str, &'static str, &'static str, u64)> {
    vec![
        ("P01", "楼道声控灯改造", "设施改造", 14_000),
        ("P02", "楼梯加装扶手", "养老助老", 12_000),
        ("P03", "公共厕所翻新", "环境整治", 86_000),
        ("P04", "出入口监控", "安全", 62_000),
        ("P05", "游园休闲座椅", "设施改造", 9_600),
        ("P06", "垃圾分类亭", "环境整治", 45_000),
    ]
}

fn meant_plain() -> Meant {
    plain().into_iter().map(|(id, t, c, cost)| (id, t, cost, c)).collect()
}

fn corpus(dir: &Path) -> Vec<Case> {
    let mut cases = vec![];
    let mut add =
        |name: &'static str, sheets: Vec<Sheet>, sheet: Option<&'static str>, meant: Meant, expect: Expect| {
            let file = dir.join(format!("{name}.xlsx"));
            write_book(&file, &sheets);
            cases.push(Case { name, file, sheet, meant, expect });
        };

    add("plain", vec![sheet("Sheet1", plain_rows())], None, meant_plain(), Expect::Reads(&["E “备注” → 未识别，忽略"]));

    // The unit in the header: 估算金额（万元） with 1.4 means 14,000 yuan.
    let mut rows = vec![header(&["编号", "项目名称", "类别", "估算金额（万元）"])];
    for (id, title, cat, cost) in plain() {
        rows.push(vec![S(id), S(title), S(cat), N(cost as f64 / 10_000.0)]);
    }
    add(
        "unit_wan_in_header",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Reads(&["单位：万元（见表头）", "×10,000"]),
    );

    // Title rows, a "单位：万元" line, then the header on row 4 with the
    // names clerks use; 序号 is the only numbering, so it is the id.
    let mut rows = vec![
        vec![S("幸福里社区2026年“幸福微实事”项目汇总表")],
        vec![Blank, Blank, Blank, Blank, Blank, S("单位：万元")],
        vec![],
        header(&["序号", "项目", "项目内容/简介", "实施地点", "所属类别", "预算/估算金额", "备注"]),
    ];
    for (i, (_, title, cat, cost)) in plain().into_iter().enumerate() {
        let n = ["1", "2", "3", "4", "5", "6"][i];
        rows.push(vec![S(n), S(title), S("居民提议"), S("3栋"), S(cat), N(cost as f64 / 10_000.0), Blank]);
    }
    let meant: Meant = plain()
        .into_iter()
        .enumerate()
        .map(|(i, (_, t, c, cost))| (["1", "2", "3", "4", "5", "6"][i], t, cost, c))
        .collect();
    add(
        "title_rows_unit_line_and_synonyms",
        vec![sheet("汇总", rows)],
        None,
        meant,
        Expect::Reads(&["表头在第 4 行", "金额单位取自第 2 行", "A “序号” → 编号", "C “项目内容/简介” → 描述"]),
    );

    // Units written in the cells, a formula with its result, costs as text.
    let mut rows = vec![header(&HEADER)];
    let texts = ["1.4万", "12,000元", "8.6万元", "62千元", "¥9,600", "4.5万"];
    for (i, (id, title, cat, _)) in plain().into_iter().enumerate() {
        rows.push(vec![S(id), S(title), S(cat), S(texts[i]), Blank]);
    }
    rows[3][3] = F("=43000*2", Some("86000"));
    add("costs_written_every_way", vec![sheet("Sheet1", rows)], None, meant_plain(), Expect::Reads(&[]));

    // A totals row (=SUM with its result), a count and signatures below.
    let mut rows = plain_rows();
    rows.push(vec![S("合计"), S("共6项"), Blank, F("=SUM(D2:D7)", Some("228600")), Blank]);
    rows.push(vec![]);
    rows.push(vec![S("制表人：王芳"), Blank, S("审核：李强"), Blank, S("2026年11月1日")]);
    add(
        "totals_and_signature_rows",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Reads(&[
            "第 8 行是合计行（“合计”），已跳过",
            "与读到的提案金额之和一致",
            "共 6 项",
            "第 10 行是签字或说明行",
        ]),
    );

    // A total that does not add up: something was typed or read wrong.
    let mut rows = plain_rows();
    rows.push(vec![Blank, S("合计"), Blank, N(238_600.0), Blank]);
    add(
        "totals_that_disagree",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&[
            "合计行的金额 238,600 元与读到的 6 个提案金额之和 228,600 元不符",
            "row 8, column D \"估算金额\"",
        ]),
    );

    // Section headings and subtotals between the proposals.
    let p = plain();
    let row = |i: usize| vec![S(p[i].0), S(p[i].1), S(p[i].2), N(p[i].3 as f64), Blank];
    let rows = vec![
        header(&HEADER),
        vec![S("一、设施与环境")],
        row(0),
        row(1),
        row(2),
        vec![Blank, S("小计"), Blank, F("=SUM(D3:D5)", Some("112000")), Blank],
        vec![S("二、安全与便民")],
        row(3),
        row(4),
        row(5),
        vec![Blank, S("小计"), Blank, F("=SUM(D8:D10)", Some("116600")), Blank],
        vec![S("总计"), Blank, Blank, N(228_600.0), Blank],
    ];
    add(
        "sections_and_subtotals",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Reads(&["第 2 行是分组标题（“一、设施与环境”）", "第 6 行是合计行（“小计”）"]),
    );

    // Rows hidden after screening are not proposals of the meeting.
    let mut s = sheet("Sheet1", plain_rows());
    let mut rows = s.rows.clone();
    rows.insert(3, vec![S("P99"), S("已排除：物业负责"), S("环境整治"), N(5_000.0), Blank]);
    s.rows = rows;
    s.hidden_rows = vec![3];
    add(
        "hidden_row",
        vec![s],
        None,
        meant_plain(),
        Expect::Reads(&["第 4 行是隐藏行，未读入（P99 已排除：物业负责）"]),
    );

    // A hidden column with an old cost next to the real one.
    let mut rows = vec![header(&["编号", "项目名称", "类别", "估算金额", "原估算金额"])];
    for (id, title, cat, cost) in plain() {
        rows.push(vec![S(id), S(title), S(cat), N(cost as f64), N(cost as f64 * 2.0)]);
    }
    let mut s = sheet("Sheet1", rows);
    s.hidden_columns = vec![4];
    add(
        "hidden_column",
        vec![s],
        None,
        meant_plain(),
        Expect::Reads(&["E 列“原估算金额”（估算金额）是隐藏列，未读入"]),
    );

    // The only cost column is hidden: refused, and the message says so.
    let mut s = sheet("Sheet1", plain_rows());
    s.hidden_columns = vec![3];
    add(
        "only_cost_column_hidden",
        vec![s],
        None,
        meant_plain(),
        Expect::Refused(&["表头找不到“估算金额”列", "D \"估算金额\" → a hidden column (cost), not read"]),
    );

    // A category merged down a run of rows reaches every row.
    let mut rows = vec![header(&HEADER)];
    for (id, title, _, cost) in plain() {
        rows.push(vec![S(id), S(title), Blank, N(cost as f64), Blank]);
    }
    let mut s = sheet("Sheet1", rows);
    s.merges = vec![(1, 3, 2, "设施与环境"), (4, 6, 2, "安全与便民")];
    let meant: Meant = plain()
        .into_iter()
        .enumerate()
        .map(|(i, (id, t, _, cost))| (id, t, cost, if i < 3 { "设施与环境" } else { "安全与便民" }))
        .collect();
    add(
        "merged_category",
        vec![s],
        None,
        meant,
        Expect::Reads(&["第 2–4 行 C 列“类别”是合并单元格，已逐行填入“设施与环境”"]),
    );

    // A cost merged over three rows: which proposal costs what?
    let mut s = sheet("Sheet1", plain_rows());
    s.merges = vec![(1, 3, 3, "112000")];
    add(
        "merged_cost",
        vec![s],
        None,
        meant_plain(),
        Expect::Refused(&[
            "第 2 行 D 列“估算金额”：第 2–4 行的金额是一个合并单元格",
            "each proposal needs its own cost",
        ]),
    );

    // A cost cell formatted as a date (typed 2026/3/5? or a paste gone wrong).
    let mut rows = plain_rows();
    rows[2][3] = Date(2026, 3, 5);
    add(
        "date_as_cost",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 3 行 D 列“估算金额”：金额单元格是日期格式（显示为 2026-03-05）"]),
    );

    // An id typed 3-5 that Excel turned into a date.
    let mut rows = plain_rows();
    rows[4][0] = Date(2026, 3, 5);
    add(
        "date_as_id",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 5 行 A 列“编号”：单元格是日期格式"]),
    );

    // A formula whose result was never saved: no result at all, or the 0
    // that programs writing workbooks without computing them store.
    let mut rows = plain_rows();
    rows[6][3] = F("=4500*10", Some(""));
    add(
        "formula_without_value",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 7 行 D 列“估算金额”：公式 =4500*10 没有保存计算结果"]),
    );
    let mut rows = plain_rows();
    rows[6][3] = F("=4500*10", None);
    rows[5][1] = F("=\"游园\"&\"座椅\"", None);
    add(
        "formula_saved_as_zero",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&[
            "第 7 行 D 列“估算金额”：公式 =4500*10 保存的结果是 0",
            "第 6 行 B 列“项目名称”：公式 =\"游园\"&\"座椅\" 保存的结果是 0",
        ]),
    );

    // A formula showing an error.
    let mut rows = plain_rows();
    rows[1][3] = F("=#REF!*2", Some("#REF!"));
    add(
        "error_value",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 2 行 D 列“估算金额”：金额单元格显示错误 #REF!"]),
    );

    // 1,2万: 1.2万 or 12万?
    let mut rows = plain_rows();
    rows[2][3] = S("1,2万");
    add(
        "comma_decimal",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 3 行 D 列“估算金额”：估算金额“1,2万”中的逗号位置不对"]),
    );

    // A bare 3 among tens of thousands of yuan, meant as 3万.
    let mut rows = plain_rows();
    rows[5][3] = N(3.0);
    let mut meant = meant_plain();
    meant[4].2 = 30_000;
    add(
        "bare_three_meant_as_wan",
        vec![sheet("Sheet1", rows)],
        None,
        meant,
        Expect::Refused(&["第 6 行 D 列“估算金额”：金额“3”读作 3 元", "请写“3万”", "write \"3万\""]),
    );

    // The same 3 with its unit written: read as written.
    let mut rows = plain_rows();
    rows[5][3] = S("3元");
    let mut meant = meant_plain();
    meant[4].2 = 3;
    add("bare_three_confirmed", vec![sheet("Sheet1", rows)], None, meant, Expect::Reads(&[]));

    // Yuan typed under a 万元 header.
    let mut rows = vec![header(&["编号", "项目名称", "类别", "估算金额（万元）"])];
    for (id, title, cat, cost) in plain() {
        rows.push(vec![S(id), S(title), S(cat), N(cost as f64 / 10_000.0)]);
    }
    rows[2][3] = N(12_000.0);
    add(
        "yuan_under_wan_header",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&[
            "第 3 行 D 列“估算金额（万元）”：金额“12000”按本列单位（万元）读作 120,000,000 元",
            "请写“12000元”",
        ]),
    );

    // 12.000 in a yuan column: twelve or twelve thousand?
    let mut rows = plain_rows();
    rows[2][3] = S("12.000");
    add(
        "three_decimals",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["估算金额“12.000”有三位小数"]),
    );

    // P05 and Ｐ０５ are one id on a paper ballot.
    let mut rows = plain_rows();
    rows[5][0] = S("Ｐ０１");
    add(
        "full_width_duplicate",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 6 行 A 列“编号”：项目编号 Ｐ０１ 与第 2 行的 P01 是同一个编号"]),
    );

    // Ids are kept as written otherwise: lower case and full width stay.
    let mut rows = plain_rows();
    rows[1][0] = S("p01");
    rows[2][0] = S("Ｐ０２");
    let mut meant = meant_plain();
    meant[0].0 = "p01";
    meant[1].0 = "Ｐ０２";
    add("ids_kept_as_written", vec![sheet("Sheet1", rows)], None, meant, Expect::Reads(&[]));

    // An id that cannot go into a ballot list or a Pabulib file.
    let mut rows = plain_rows();
    rows[3][0] = S("P03,1");
    add(
        "id_with_comma",
        vec![sheet("Sheet1", rows)],
        None,
        meant_plain(),
        Expect::Refused(&["第 4 行 A 列“编号”：项目编号“P03,1”含有逗号"]),
    );

    // A first sheet of instructions.
    let instructions = sheet(
        "填表说明",
        vec![vec![S("填表说明")], vec![S("1. 每个项目一行，编号不能重复。")], vec![S("2. 金额单位为元。")]],
    );
    add(
        "instructions_sheet_first",
        vec![instructions.clone(), sheet("提案汇总", plain_rows())],
        None,
        meant_plain(),
        Expect::Reads(&["第 1 个工作表“填表说明”里没有提案表头", "工作表 / sheet: “提案汇总”"]),
    );

    // Two sheets that both look like the list: refused unless one is named.
    let mut other = plain_rows();
    other.truncate(4);
    let two = vec![sheet("原始", other), sheet("汇总", plain_rows())];
    add(
        "two_tables_unnamed",
        two.clone(),
        None,
        meant_plain(),
        Expect::Refused(&["有几个工作表都像提案表：“原始”、“汇总”", "proposals_sheet"]),
    );
    add("two_tables_named", two, Some("汇总"), meant_plain(), Expect::Reads(&["工作表 / sheet: “汇总”"]));

    // A header the loader cannot read: every column is named in the message.
    let mut rows = vec![header(&["序号", "项目", "钱数"])];
    for (i, (_, title, _, cost)) in plain().into_iter().enumerate() {
        rows.push(vec![N(i as f64 + 1.0), S(title), N(cost as f64)]);
    }
    add(
        "header_not_recognised",
        vec![instructions, sheet("汇总", rows)],
        None,
        meant_plain(),
        Expect::Refused(&[
            "第 1 行：工作表“汇总”：表头找不到“估算金额”列",
            "A“序号”→编号",
            "C“钱数”→未识别",
            "工作表“填表说明”：没有提案表头",
        ]),
    );

    cases
}

fn csv_cases(dir: &Path) -> Vec<Case> {
    let mut text = String::from("编号,项目名称,类别,估算金额（万元）,备注\n");
    for (id, title, cat, cost) in plain() {
        text.push_str(&format!("{id},{title},{cat},{},\n", cost as f64 / 10_000.0));
    }
    text.push_str(",合计,,22.86,\n");
    let gbk = dir.join("gbk.csv");
    std::fs::write(&gbk, encoding_rs::GBK.encode(&text).0).unwrap();
    let bom = dir.join("bom.csv");
    std::fs::write(&bom, format!("\u{feff}{text}")).unwrap();
    vec![
        Case {
            name: "csv_gbk",
            file: gbk,
            sheet: None,
            meant: meant_plain(),
            expect: Expect::Reads(&["已按 GBK", "第 8 行是合计行"]),
        },
        Case {
            name: "csv_utf8_bom",
            file: bom,
            sheet: None,
            meant: meant_plain(),
            expect: Expect::Reads(&["×10,000"]),
        },
    ]
}

fn meeting_file(dir: &Path) -> PathBuf {
    let m = dir.join("meeting.toml");
    std::fs::write(
        &m,
        "[meeting]\nname = \"导入测试\"\n\n[rules]\ntables = 1\npicks_per_table = 1\nmax_choices = 1\n\n[rules.budget]\namount = 1000000\n",
    )
    .unwrap();
    m
}

#[test]
fn every_case_is_read_as_meant_or_refused_with_the_place_named() {
    let dir = tempfile::tempdir().unwrap();
    let meeting = meeting_file(dir.path());
    let mut cases = corpus(dir.path());
    cases.extend(csv_cases(dir.path()));
    for case in &cases {
        let options = Options { sheet: case.sheet.map(str::to_string) };
        let got = load_with(Some(&meeting), Some(&case.file), &options);
        match (&case.expect, got) {
            (Expect::Reads(needles), Ok(loaded)) => {
                let read: Vec<(&str, &str, u64, &str)> = loaded
                    .definition
                    .proposals
                    .iter()
                    .map(|p| (p.id.as_str(), p.title.as_str(), p.cost, p.category.as_str()))
                    .collect();
                assert_eq!(read, case.meant, "{}: read differently from what the clerk meant", case.name);
                let shown = format!(
                    "{}\n{}",
                    loaded.table.preview(&loaded.definition.proposals, "元"),
                    loaded.warnings.join("\n")
                );
                for n in *needles {
                    assert!(shown.contains(n), "{}: {n:?} not in\n{shown}", case.name);
                }
            }
            (Expect::Refused(needles), Err(e)) => {
                let shown = e.to_string();
                assert!(shown.contains(&case.file.display().to_string()), "{}: the file is named: {shown}", case.name);
                for n in *needles {
                    assert!(shown.contains(n), "{}: {n:?} not in\n{shown}", case.name);
                }
            }
            (Expect::Reads(_), Err(e)) => panic!("{}: refused: {e}", case.name),
            (Expect::Refused(_), Ok(l)) => panic!("{}: read as {:?}", case.name, l.definition.proposals),
        }
    }
}

#[test]
fn hub_check_never_answers_ok_for_a_file_read_differently() {
    let dir = tempfile::tempdir().unwrap();
    let meeting = meeting_file(dir.path());
    let mut cases = corpus(dir.path());
    cases.extend(csv_cases(dir.path()));
    let mut ok = 0;
    for case in &cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hub"));
        cmd.arg("check").arg("--meeting").arg(&meeting).arg("--proposals").arg(&case.file);
        if let Some(s) = case.sheet {
            cmd.args(["--sheet", s]);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            ok += 1;
            assert!(stdout.contains("可以使用 / OK"), "{}: {stdout}", case.name);
            // OK only if what it read is what the clerk meant: compare the
            // preview's first rows with the intended reading.
            for (id, title, cost, _) in case.meant.iter().take(5) {
                let line = format!("{id} | {title} | {} ", grouped(*cost));
                assert!(stdout.contains(&line), "{}: OK but {line:?} is not what it read:\n{stdout}", case.name);
            }
            let total: u64 = case.meant.iter().map(|m| m.2).sum();
            assert!(
                stdout.contains(&format!("{} 个提案 proposals", case.meant.len()))
                    && stdout.contains(&format!("合计 total {} CNY", grouped(total))),
                "{}: the count and total as meant:\n{stdout}",
                case.name
            );
            assert!(stdout.contains("各列 / columns:") || case.file.extension().is_some_and(|e| e == "pb"), "{stdout}");
        } else {
            assert!(matches!(case.expect, Expect::Refused(_)), "{}: refused: {stderr}", case.name);
            assert!(!stdout.contains("OK"), "{}: {stdout}", case.name);
            assert!(stderr.contains("错误 / error"), "{}: {stderr}", case.name);
        }
    }
    assert!(ok >= 10, "the corpus has cases that read, {ok} did");
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
