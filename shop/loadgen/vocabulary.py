"""Words the generator combines into realistic Chinese category, product, seller and organisation names."""

# (slug, name, [(child slug, child name, [product nouns])])
CATEGORIES = [
    ("fruit", "新鲜水果", [
        ("citrus", "柑橘橙柚", ["脐橙", "沃柑", "蜜柚", "砂糖橘", "椪柑"]),
        ("apples-pears", "苹果梨", ["红富士苹果", "香梨", "雪花梨", "冰糖心苹果"]),
        ("tropical", "热带水果", ["芒果", "百香果", "火龙果", "菠萝"]),
        ("berries", "浆果", ["蓝莓", "猕猴桃", "葡萄", "草莓"]),
    ]),
    ("tea", "茶叶", [
        ("green-tea", "绿茶", ["毛尖", "云雾茶", "明前绿茶", "炒青"]),
        ("black-tea", "红茶", ["工夫红茶", "滇红", "古树红茶"]),
        ("dark-tea", "黑茶普洱", ["普洱生茶", "普洱熟茶", "茯砖茶", "安化黑茶"]),
    ]),
    ("grains", "米面杂粮", [
        ("rice", "大米", ["富硒大米", "香米", "长粒香米", "红米"]),
        ("coarse-grains", "杂粮", ["小米", "荞麦", "燕麦米", "藜麦", "黑米"]),
        ("flour-noodles", "面粉挂面", ["石磨面粉", "手工挂面", "荞麦面"]),
    ]),
    ("mushrooms", "食用菌", [
        ("shiitake", "香菇", ["花菇", "香菇干", "冬菇"]),
        ("fungus", "木耳银耳", ["黑木耳", "银耳", "羊肚菌"]),
    ]),
    ("honey", "蜂蜜", [
        ("wild-honey", "土蜂蜜", ["土蜂蜜", "百花蜜", "槐花蜜", "枸杞蜜"]),
    ]),
    ("dried-meat", "腊味干货", [
        ("cured-meat", "腊肉香肠", ["腊肉", "腊肠", "风干牛肉", "烟熏火腿"]),
    ]),
    ("oils", "食用油", [
        ("camellia-oil", "山茶油", ["山茶油", "野茶籽油"]),
        ("seed-oil", "菜籽油", ["压榨菜籽油", "胡麻油", "核桃油"]),
    ]),
    ("dried-fruit", "果干坚果", [
        ("dates", "红枣枸杞", ["红枣", "灰枣", "枸杞", "黑枸杞"]),
        ("nuts", "坚果", ["核桃", "板栗", "松子", "巴旦木"]),
    ]),
    ("vegetables", "蔬菜薯类", [
        ("potatoes", "马铃薯", ["马铃薯", "紫薯", "红薯"]),
        ("fresh-veg", "高原蔬菜", ["高山萝卜", "娃娃菜", "辣椒", "生姜"]),
    ]),
    ("handicrafts", "手工艺品", [
        ("embroidery", "刺绣", ["苗绣挂画", "手工布鞋", "蜡染围巾"]),
        ("bamboo", "竹编木作", ["竹编果篮", "木雕摆件"]),
    ]),
]

ADJECTIVES = ["有机", "高山", "农家", "生态", "特级", "精选", "原生态", "古法", "野生", "当季"]
PACKS = ["500g", "1kg", "2.5kg", "5斤装", "10斤装", "礼盒装", "家庭装", "尝鲜装", "6枚装", "整箱"]

SELLER_SUFFIXES = [
    ("cooperative", "农民专业合作社"),
    ("enterprise", "农业发展有限公司"),
    ("village_collective", "村股份经济合作社"),
    ("family_farm", "家庭农场"),
    ("enterprise", "食品有限公司"),
]
SELLER_WORDS = ["山", "禾", "丰", "源", "绿", "福", "兴", "润", "惠", "康"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ["芳", "伟", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明"]

ORGANISATION_KINDS = [
    ("budget_unit", "{province}{dept}"),
    ("state_owned", "{province}{company}集团有限公司"),
    ("private", "{province}{company}科技有限公司"),
    ("social", "{province}{dept}工会委员会"),
]
DEPARTMENTS = ["财政厅", "教育厅", "农业农村厅", "交通运输厅", "卫生健康委员会", "商务厅", "自然资源厅", "人民医院", "第一中学"]
COMPANIES = ["能源", "交通投资", "建设", "电力", "水务", "信息", "农业发展", "文旅"]

ISSUERS = ["乡村振兴局", "农业农村局", "发展和改革委员会"]
