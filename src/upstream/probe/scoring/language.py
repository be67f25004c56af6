"""Which language an answer is written in, and whether it matches the prompt's.

Chinese is told from Latin-script text by the share of Han characters; Simplified from Traditional by
characters that exist in only one of the two scripts (common pairs below; shared characters say nothing).
Code blocks, inline code and URLs are ignored, so a code answer to a Chinese prompt is judged on its prose.
"""

from __future__ import annotations

import re

# Common (simplified, traditional) pairs whose simplified form is not used in Traditional text.
_PAIRS = """
这這 说說 时時 会會 们們 来來 对對 发發 经經 过過 还還 为為 学學 门門 问問 间間 关關 开開 见見 现現 东東
车車 书書 头頭 马馬 鸟鳥 鱼魚 龙龍 风風 电電 话話 语語 让讓 认認 识識 议議 论論 设設 请請 读讀 谁誰 调調
谈談 证證 转轉 进進 运運 远遠 达達 选選 连連 钱錢 铁鐵 银銀 错錯 长長 闻聞 队隊 阳陽 际際 陆陸 随隨 难難
离離 题題 显顯 飞飛 馆館 齐齊 体體 众眾 个個 从從 侨僑 价價 传傳 伤傷 优優 两兩 写寫 农農 决決 况況 刘劉
则則 刚剛 动動 务務 劳勞 势勢 区區 医醫 华華 单單 卖賣 历歷 压壓 厂廠 县縣 参參 双雙 变變 号號 吗嗎 听聽
员員 围圍 图圖 圆圓 圣聖 场場 坏壞 块塊 报報 声聲 处處 备備 够夠 夺奪 奋奮 妇婦 孙孫 宁寧 实實 宪憲 导導
将將 尔爾 层層 岁歲 岛島 师師 带帶 帮幫 广廣 庆慶 应應 张張 归歸 当當 录錄 彻徹 忆憶 总總 恶惡 惊驚 战戰
户戶 扩擴 执執 扫掃 护護 担擔 拥擁 择擇 挥揮 损損 换換 据據 摄攝 数數 断斷 无無 旧舊 晓曉 暂暫 术術 机機
杀殺 权權 条條 杨楊 极極 构構 标標 树樹 样樣 桥橋 检檢 楼樓 欢歡 气氣 汉漢 沟溝 没沒 泽澤 洁潔 济濟 测測
湾灣 满滿 灭滅 灵靈 灾災 点點 热熱 爱愛 独獨 狱獄 环環 画畫 疗療 监監 盖蓋 盘盤 矿礦 码碼 础礎 确確 礼禮
种種 积積 称稱 稳穩 穷窮 竞競 笔筆 简簡 类類 粮糧 紧緊 红紅 约約 级級 纪紀 纯純 纸紙 线線 练練 组組 细細
织織 终終 结結 给給 绝絕 统統 继繼 续續 维維 综綜 网網 罗羅 职職 联聯 胜勝 脑腦 舰艦 艺藝 节節 苏蘇 荣榮
药藥 获獲 虽雖 补補 装裝 观觀 规規 视視 览覽 觉覺 计計 订訂 讨討 训訓 记記 讲講 许許 访訪 评評 诉訴 词詞
试試 诚誠 该該 详詳 误誤 课課 谢謝 贝貝 负負 财財 责責 败敗 货貨 质質 购購 贸貿 费費 资資 赛賽 赵趙 跃躍
践踐 轮輪 软軟 轻輕 载載 较較 辆輛 输輸 边邊 迁遷 违違 迟遲 适適 递遞 邓鄧 邮郵 郑鄭 钟鐘 钢鋼 链鏈 销銷
镇鎮 闭閉 阅閱 阶階 陈陳 险險 隐隱 静靜 韩韓 页頁 项項 顺順 须須 顾顧 预預 领領 频頻 额額 饭飯 驱驅 验驗
鲁魯 鲜鮮 鸡雞 黄黃 党黨 习習 万萬 与與 专專 业業 丝絲 严嚴 乐樂 乡鄉 买買 乱亂 争爭 亚亞 产產 亲親 亿億
仅僅 仪儀 伟偉 伦倫 伪偽 侦偵 侧側 债債 储儲 儿兒 兰蘭 兴興 养養 内內 册冊 军軍 冻凍 净淨 减減 击擊 创創
删刪 别別 剧劇 劝勸 办辦 励勵 协協 卢盧 卫衛 却卻 厅廳 厉厲 县縣 吴吳 员員 响響 哗嘩 团團
园園 国國 图圖 坚堅 坛壇 垄壟 执執 块塊 墙牆 壮壯 复複 头頭 夹夾 奖獎 妈媽 娱娛 婴嬰 宝寶 审審 宫宮
宽寬 宾賓 对對 寻尋 导導 尽盡 届屆 属屬 岗崗 币幣 帅帥 库庫 废廢 开開 弹彈 强強 径徑 从從 忧憂
怀懷 态態 怜憐 恋戀 恳懇 悦悅 悬懸 惨慘 愤憤 忏懺 戏戲 扑撲 扰擾 抢搶 护護 报報 挤擠 挡擋 捡撿 损損
摆擺 摇搖 敌敵 敛斂 斋齋 时時 旷曠 昼晝 显顯 晒曬 书書 杂雜 权權 来來 极極 枪槍 栋棟 档檔 桥橋
梦夢 检檢 岂豈 欧歐 残殘 毁毀 毕畢 气氣 汤湯 泪淚 泼潑 浅淺 浊濁 涛濤 涨漲 渐漸 渔漁 温溫 湿濕 灯燈
灿燦 炉爐 烦煩 烧燒 烫燙 爷爺 牵牽 犹猶 狮獅 猎獵 献獻 玛瑪 琐瑣 产產 亩畝 疯瘋 痒癢 瘫癱 皱皺 盐鹽
"""


def _build() -> tuple[frozenset[str], frozenset[str]]:
    simp, trad = set(), set()
    for tok in _PAIRS.split():
        if len(tok) == 2 and tok[0] != tok[1]:
            simp.add(tok[0])
            trad.add(tok[1])
    return frozenset(simp - trad), frozenset(trad - simp)


SIMPLIFIED_ONLY, TRADITIONAL_ONLY = _build()

_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"https?://\S+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?")
_OTHER_LETTER = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f]")
_EN_COMMON = frozenset(re.findall(r"[a-z]+", """
    the a an and or of to in on is are was were be been it that this for with as by at from not no but
    i you he she we they his her their its our your what which who how why when there here can will would
    has have had do does did about into than then also more most such these those"""))


def prose(text: str) -> str:
    """`text` without code blocks, inline code and URLs."""
    return _URL.sub(" ", _INLINE_CODE.sub(" ", _CODE_BLOCK.sub(" ", text)))


def han_script(text: str) -> str:
    """"zh-Hans", "zh-Hant" or "zh" (cannot tell) from script-specific characters."""
    simp = sum(1 for ch in text if ch in SIMPLIFIED_ONLY)
    trad = sum(1 for ch in text if ch in TRADITIONAL_ONLY)
    if trad >= 2 and trad > 2 * simp:
        return "zh-Hant"
    if simp >= 2 and simp > 2 * trad:
        return "zh-Hans"
    return "zh"


def detect_language(text: str) -> str:
    """en, zh-Hans, zh-Hant, zh (script unknown), ja, ko, other, or unknown (too little prose)."""
    body = prose(text)
    han = len(_HAN.findall(body))
    kana = len(_KANA.findall(body))
    hangul = len(_HANGUL.findall(body))
    words = _LATIN_WORD.findall(body)
    other = len(_OTHER_LETTER.findall(body))
    if han + kana + hangul + len(words) + other < 3:
        return "unknown"
    if kana >= 2 and kana >= 0.1 * (han + kana):
        return "ja"
    if hangul >= 5 and hangul >= len(words):
        return "ko"
    if han and han >= len(words):
        return han_script(body)
    if other > 2 * len(words):
        return "other"
    if not words:
        return "unknown"
    common = sum(1 for w in words if w.lower() in _EN_COMMON)
    if len(words) < 4:
        return "en" if common or all(w.isascii() for w in words) else "unknown"
    return "en" if common >= 0.08 * len(words) else "other"


def mismatch(prompt_lang: str, answer_lang: str) -> bool:
    """True when an answer is not in the prompt's language (a Simplified answer to a Traditional prompt counts)."""
    if answer_lang == "unknown":
        return False
    if prompt_lang == "en":
        return answer_lang != "en"
    if prompt_lang.startswith("zh"):
        if answer_lang == "zh":
            return False
        return answer_lang != prompt_lang
    return False
